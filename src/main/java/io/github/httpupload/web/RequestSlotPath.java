package io.github.httpupload.web;

import io.github.httpupload.auth.InvalidSlotPathException;
import io.github.httpupload.auth.SlotPath;
import jakarta.servlet.http.HttpServletRequest;

/**
 * Finds the slot path in a request. It is taken from the raw request URI, not from
 * {@code getPathInfo()}: the container has already decoded and normalized that one, and Tomcat
 * cuts a literal {@code ;…} out of it as a path parameter.
 */
final class RequestSlotPath {

    private RequestSlotPath() {
    }

    static SlotPath of(HttpServletRequest request) throws InvalidSlotPathException {
        return SlotPath.parse(raw(request));
    }

    /**
     * The still-encoded part of the request URI after the context path and, for a path mapping such
     * as {@code /upload/*}, the servlet path. Segments are counted rather than strings compared, so
     * a client spelling the prefix differently (escapes, {@code ;params}) cannot shift the path.
     */
    static String raw(HttpServletRequest request) {
        int prefixSegments = slashes(request.getContextPath());
        if (request.getPathInfo() != null) {
            prefixSegments += slashes(request.getServletPath());
        }
        String uri = request.getRequestURI();
        int slash = uri.indexOf('/');
        for (int i = 0; i < prefixSegments && slash >= 0; i++) {
            slash = uri.indexOf('/', slash + 1);
        }
        return slash < 0 ? "" : uri.substring(slash + 1);
    }

    private static int slashes(String decodedPrefix) {
        int count = 0;
        for (int i = 0; i < decodedPrefix.length(); i++) {
            if (decodedPrefix.charAt(i) == '/') {
                count++;
            }
        }
        return count;
    }
}
