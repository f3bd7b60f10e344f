package io.github.httpupload.web;

import io.github.httpupload.storage.HealthCheck;
import io.github.httpupload.storage.StorageHealth;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;

/**
 * {@code GET /healthz} for load balancers and monitors: {@code 200 ok} when the webapp's storage can
 * be used now, {@code 503} with a one-line reason otherwise. Mapped to the exact pattern
 * {@code /healthz}, which wins over the upload servlet's {@code /*} and can never be a slot path
 * (a slot path has at least two segments). Needs no token: the token filter passes GET and HEAD.
 * The storage is asked at most once a second ({@link HealthCheck}); the answer never names a path,
 * bucket or exception, and is never cached by anyone.
 */
public class HealthServlet extends HttpServlet {

    private static final long serialVersionUID = 1L;
    static final String ALLOW = "GET, HEAD";

    /** {@code null}: the listener is not registered, so there is no storage to be healthy. */
    private transient HealthCheck check;

    @Override
    public void init() {
        check = UploadConfigListener.storageOf(getServletContext())
                .map(storage -> new HealthCheck(storage, Clock.systemUTC()))
                .orElse(null);
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Cache-Control", "no-store");
        boolean head = "HEAD".equals(request.getMethod());
        if (!head && !"GET".equals(request.getMethod())) {
            response.setHeader("Allow", ALLOW);
            answer(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "method not allowed", false);
            return;
        }
        if (check == null) {
            answer(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "storage not configured", head);
            return;
        }
        StorageHealth health = check.health();
        answer(response, health.healthy() ? HttpServletResponse.SC_OK : HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                health.reason(), head);
    }

    /** One line of plain text; for HEAD the same headers without the body. */
    private static void answer(HttpServletResponse response, int status, String line, boolean head) throws IOException {
        byte[] body = (line + "\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("text/plain;charset=UTF-8");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setContentLength(body.length);
        if (!head) {
            response.getOutputStream().write(body);
        }
    }
}
