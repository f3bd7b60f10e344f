package io.github.httpupload.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** Short plain-text answers: never a stack trace, never the container's HTML error page. */
final class Responses {

    static final int SC_CONTENT_TOO_LARGE = 413;

    private Responses() {
    }

    /**
     * Answers {@code status} with a one-line text body. When the request body was not read
     * ({@code bodyUnread}), an HTTP/1.x answer carries {@code Connection: close}, so that the
     * container closes the connection instead of reading on: Jetty then discards nothing, Tomcat
     * still swallows up to its {@code maxSwallowSize} (2 MiB by default) before closing. HTTP/2
     * forbids connection headers (RFC 9113 §8.2.2: a client resets the stream), and ends only the
     * stream anyway.
     */
    static void error(HttpServletRequest request, HttpServletResponse response, int status, String message,
                      boolean bodyUnread) throws IOException {
        if (response.isCommitted()) {
            return;
        }
        response.resetBuffer();
        byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("text/plain;charset=UTF-8");
        response.setHeader("X-Content-Type-Options", "nosniff");
        if (bodyUnread && isHttp1(request)) {
            response.setHeader("Connection", "close");
        }
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    private static boolean isHttp1(HttpServletRequest request) {
        String protocol = request.getProtocol();
        return protocol != null && protocol.startsWith("HTTP/1.");
    }
}
