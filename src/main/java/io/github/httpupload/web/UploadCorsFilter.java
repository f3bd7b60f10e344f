package io.github.httpupload.web;

import io.github.httpupload.config.ConfigException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.util.Set;

/**
 * CORS for browser-based XMPP clients (Converse.js, Movim, JSXC; docs/http.md#cors). Map it before
 * {@link HmacAuthFilter}: it answers preflights without authentication and puts the CORS headers
 * on every response before anything else runs, so refusals (403, 409, 411, 413) carry them too and
 * the browser shows the real error instead of a CORS failure.
 */
public class UploadCorsFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;

    static final String ALLOW_METHODS = UploadServlet.ALLOW;
    /** What uploads send, plus what scripts send to read a file's tail or revalidate it (checked in Chromium). */
    static final String ALLOW_HEADERS =
            "Authorization, Content-Type, Range, If-Range, If-None-Match, If-Modified-Since, If-Match, If-Unmodified-Since";
    static final String EXPOSE_HEADERS = "Content-Disposition, Content-Range, Accept-Ranges, ETag, Last-Modified";

    private transient Set<String> allowedOrigins;
    private transient boolean anyOrigin;
    private transient String maxAge;

    @Override
    public void init(FilterConfig filterConfig) throws ServletException {
        super.init(filterConfig);
        CorsSettings settings;
        try {
            settings = CorsSettings.from(ServletParameters.of(filterConfig));
        } catch (ConfigException e) {
            throw new ServletException(e.getMessage(), e);
        }
        allowedOrigins = settings.allowedOrigins();
        anyOrigin = settings.anyOrigin();
        maxAge = Integer.toString(settings.maxAge());
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String origin = request.getHeader("Origin");
        boolean allowed = allowOrigin(origin, response);
        if (allowed && isPreflight(request, origin)) {
            response.setHeader("Access-Control-Allow-Methods", ALLOW_METHODS);
            response.setHeader("Access-Control-Allow-Headers", ALLOW_HEADERS);
            response.setHeader("Access-Control-Max-Age", maxAge);
            response.setStatus(HttpServletResponse.SC_NO_CONTENT);
            return;
        }
        if (allowed) {
            response.setHeader("Access-Control-Expose-Headers", EXPOSE_HEADERS);
        }
        chain.doFilter(request, response);
    }

    /** Sets Access-Control-Allow-Origin when {@code origin} may use the service; says whether it did. */
    private boolean allowOrigin(String origin, HttpServletResponse response) {
        if (anyOrigin) {
            response.setHeader("Access-Control-Allow-Origin", "*");
            return true;
        }
        // The answer depends on the Origin header, so caches must key on it.
        response.addHeader("Vary", "Origin");
        if (origin != null && allowedOrigins.contains(origin)) {
            response.setHeader("Access-Control-Allow-Origin", origin);
            return true;
        }
        return false;
    }

    private static boolean isPreflight(HttpServletRequest request, String origin) {
        return "OPTIONS".equals(request.getMethod()) && origin != null
                && request.getHeader("Access-Control-Request-Method") != null;
    }
}
