package io.github.httpupload.web;

import io.github.httpupload.auth.AuthSettings;
import io.github.httpupload.auth.BearerTokenVerifier;
import io.github.httpupload.auth.HmacTokenVerifier;
import io.github.httpupload.auth.InvalidSlotPathException;
import io.github.httpupload.auth.SlotPath;
import io.github.httpupload.auth.VerifiedDeletion;
import io.github.httpupload.auth.VerifiedUpload;
import io.github.httpupload.auth.TokenProtocol;
import io.github.httpupload.config.ConfigException;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Clock;

/**
 * Admits a PUT only when it carries a valid XEP-0363 upload token for exactly this path, length
 * and content type — {@code v}, {@code v2} or {@code token} in the query string
 * (docs/protocol.md#query-string-tokens-v-v2-and-token) or Prosody's Bearer JWT
 * (docs/protocol.md#bearer-tokens) — and hands what it verified downstream as the request
 * attribute {@value VerifiedUpload#ATTRIBUTE}. When {@code httpupload.deleteSecret} is set, a
 * DELETE is admitted only with Metronome's delete token (docs/protocol.md#delete-tokens), as
 * {@value VerifiedDeletion#ATTRIBUTE}. Every refusal happens before a byte of the body is read.
 * Other methods pass through untouched, so the filter can guard any servlet, not only
 * {@link UploadServlet}.
 */
public class HmacAuthFilter extends HttpFilter {

    private static final long serialVersionUID = 1L;
    private static final System.Logger LOG = System.getLogger(HmacAuthFilter.class.getName());

    private transient AuthSettings config;
    private final transient Clock clock;
    private transient HmacTokenVerifier verifier;
    private transient BearerTokenVerifier bearerVerifier;
    /** The webapp's metrics; null where the filter guards another webapp's servlet (no listener): then nothing is counted. */
    private transient UploadMetrics metrics;

    public HmacAuthFilter() {
        this(Clock.systemUTC());
    }

    /** With the clock that decides whether a Bearer token has expired. */
    HmacAuthFilter(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void init(FilterConfig filterConfig) throws ServletException {
        super.init(filterConfig);
        try {
            config = AuthSettings.from(ServletParameters.of(filterConfig));
        } catch (ConfigException e) {
            LOG.log(Level.ERROR, e.getMessage());
            throw new ServletException(e.getMessage(), e);
        }
        LOG.log(Level.INFO, "http-upload-servlet HmacAuthFilter [{0}]: {1}", filterConfig.getFilterName(), config);
        verifier = new HmacTokenVerifier(config.hmacKeys());
        bearerVerifier = new BearerTokenVerifier(verifier);
        metrics = UploadConfigListener.metricsOf(filterConfig.getServletContext()).orElse(null);
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        boolean put = "PUT".equals(request.getMethod());
        boolean delete = "DELETE".equals(request.getMethod()) && config.deleteSecret().isPresent();
        if (!put && !delete) {
            chain.doFilter(request, response); // a DELETE without a delete secret is the servlet's 405
            return;
        }
        try {
            if (put) {
                VerifiedUpload upload = verify(request, response);
                if (upload == null) {
                    return;
                }
                request.setAttribute(VerifiedUpload.ATTRIBUTE, upload);
            } else {
                VerifiedDeletion deletion = verifyDeletion(request, response);
                if (deletion == null) {
                    return;
                }
                request.setAttribute(VerifiedDeletion.ATTRIBUTE, deletion);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "Unexpected failure while checking a token", e);
            Responses.error(request, response, HttpServletResponse.SC_INTERNAL_SERVER_ERROR, "Internal error", true);
            return;
        }
        chain.doFilter(request, response);
    }

    /** The verified upload, or {@code null} after answering the refusal. */
    private VerifiedUpload verify(HttpServletRequest request, HttpServletResponse response) throws IOException {
        SlotPath path;
        try {
            path = RequestSlotPath.of(request);
        } catch (InvalidSlotPathException e) {
            return refuse(request, response, HttpServletResponse.SC_BAD_REQUEST, "Invalid upload path: " + e.getMessage());
        }
        if (path.segments() < config.minPathSegments()) {
            return refuse(request, response, HttpServletResponse.SC_BAD_REQUEST,
                    "Invalid upload path: at least " + config.minPathSegments() + " segments expected");
        }
        if (request.getHeader("Content-Range") != null) {
            // RFC 9110 §14.5: a partial PUT must not be taken for a whole file.
            return refuse(request, response, HttpServletResponse.SC_BAD_REQUEST, "Content-Range is not supported in PUT");
        }
        long length = request.getContentLengthLong();
        if (length < 0) {
            return refuse(request, response, HttpServletResponse.SC_LENGTH_REQUIRED, "Content-Length required");
        }
        if (length > config.maxFileSize()) {
            return refuse(request, response, Responses.SC_CONTENT_TOO_LARGE,
                    "File too large: the limit is " + config.maxFileSize() + " bytes");
        }
        QueryTokens tokens = QueryTokens.parse(request.getQueryString());
        TokenProtocol protocol = strongestPresent(tokens);
        boolean bearer = config.protocols().contains(TokenProtocol.BEARER);
        String authorization = request.getHeader("Authorization");
        if (protocol == null && bearer && authorization != null) {
            return verifyBearer(request, response, authorization, path, length);
        }
        if (protocol == null) {
            if (bearer) {
                response.setHeader("WWW-Authenticate", "Bearer");
            }
            // Prosody's own answer where Bearer is all there is; 403 where tokens may be in the query
            // (docs/protocol.md#which-token-counts).
            boolean bearerOnly = bearer && config.protocols().size() == 1;
            return refuse(request, response, bearerOnly ? HttpServletResponse.SC_UNAUTHORIZED : HttpServletResponse.SC_FORBIDDEN,
                    "Missing upload token");
        }
        String contentType = request.getHeader("Content-Type");
        String signedType = contentType != null ? contentType : VerifiedUpload.DEFAULT_CONTENT_TYPE;
        byte[] message = HmacTokenVerifier.signedMessage(protocol, path, length, signedType);
        if (!verifier.verify(message, tokens.get(protocol.parameter()))) {
            if (LOG.isLoggable(Level.DEBUG)) {
                LOG.log(Level.DEBUG, "Rejected {0} token for PUT {1}: the signed string was \"{2}\"",
                        protocol, request.getRequestURI(), printable(message));
            }
            return refuse(request, response, HttpServletResponse.SC_FORBIDDEN, "Invalid upload token");
        }
        return new VerifiedUpload(path, length, signedType, protocol);
    }

    /** Prosody's answers: 401 invalid, 410 expired, 400 other slot, 413 other size (docs/protocol.md#how-it-is-checked). */
    private VerifiedUpload verifyBearer(HttpServletRequest request, HttpServletResponse response, String authorization,
                                        SlotPath path, long length) throws IOException {
        try {
            return bearerVerifier.verify(authorization, path, length, clock.instant());
        } catch (BearerTokenVerifier.RefusedException e) {
            LOG.log(Level.DEBUG, "Rejected Bearer token for PUT {0}: {1}", request.getRequestURI(), e.getMessage());
            int status = switch (e.refusal()) {
                case INVALID -> HttpServletResponse.SC_UNAUTHORIZED;
                case EXPIRED -> HttpServletResponse.SC_GONE;
                case WRONG_SLOT -> HttpServletResponse.SC_BAD_REQUEST;
                case WRONG_SIZE -> Responses.SC_CONTENT_TOO_LARGE;
            };
            if (status == HttpServletResponse.SC_UNAUTHORIZED) {
                response.setHeader("WWW-Authenticate", "Bearer");
            }
            return refuse(request, response, status, e.getMessage());
        }
    }

    /** Metronome's DELETE (docs/protocol.md#delete-tokens): {@code ?token=} HMAC of {@code path \0 deleteSecret}. */
    private VerifiedDeletion verifyDeletion(HttpServletRequest request, HttpServletResponse response) throws IOException {
        SlotPath path;
        try {
            path = RequestSlotPath.of(request);
        } catch (InvalidSlotPathException e) {
            Responses.error(request, response, HttpServletResponse.SC_BAD_REQUEST, "Invalid path: " + e.getMessage(), true);
            return null;
        }
        String token = QueryTokens.parse(request.getQueryString()).get(TokenProtocol.TOKEN.parameter());
        byte[] message = HmacTokenVerifier.deleteMessage(path, config.deleteSecret().orElseThrow());
        if (token == null || !verifier.verify(message, token)) {
            LOG.log(Level.DEBUG, "Rejected delete token for {0}", request.getRequestURI());
            Responses.error(request, response, HttpServletResponse.SC_FORBIDDEN, token == null ? "Missing delete token" : "Invalid delete token", true);
            return null;
        }
        return new VerifiedDeletion(path);
    }

    /** Only the strongest token present counts: a failing v2 never falls back to v. */
    private TokenProtocol strongestPresent(QueryTokens tokens) {
        for (TokenProtocol protocol : TokenProtocol.QUERY_STRING) {
            if (config.protocols().contains(protocol) && tokens.has(protocol.parameter())) {
                return protocol;
            }
        }
        return null;
    }

    /** Answers a refused PUT and counts it. */
    private VerifiedUpload refuse(HttpServletRequest request, HttpServletResponse response, int status, String message)
            throws IOException {
        if (metrics != null) {
            metrics.uploadRefused(status);
        }
        Responses.error(request, response, status, message, true);
        return null;
    }

    /** The signed string with NUL shown as {@code \0} and other control characters escaped. */
    static String printable(byte[] message) {
        String text = new String(message, java.nio.charset.StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == 0) {
                out.append("\\0");
            } else if (c < 0x20 || c == 0x7f || c == '"' || c == '\\') {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
