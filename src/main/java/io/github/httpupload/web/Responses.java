package io.github.httpupload.web;

import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Short plain-text answers: never a stack trace, never the container's HTML error page. */
final class Responses {

    static final int SC_CONTENT_TOO_LARGE = 413;

    private Responses() {
    }

    /**
     * Answers {@code status} with a one-line text body. {@code Connection: close} tells the
     * container not to read (and discard) an upload body we refused, which could be gigabytes.
     */
    static void error(HttpServletResponse response, int status, String message, boolean bodyUnread) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("text/plain;charset=UTF-8");
        response.setHeader("X-Content-Type-Options", "nosniff");
        if (bodyUnread) {
            response.setHeader("Connection", "close");
        }
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
