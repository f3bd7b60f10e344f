package io.github.httpupload.web;

import io.github.httpupload.auth.InvalidSlotPathException;
import io.github.httpupload.auth.SlotPath;
import jakarta.servlet.http.HttpServletRequest;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds the slot path in a request. It is taken from the raw request URI, not from
 * {@code getPathInfo()}: the container has already decoded and normalized that one, and Tomcat
 * cuts a literal {@code ;…} out of it as a path parameter.
 */
final class RequestSlotPath {

    /** The last mapping seen and its segments: one context asks with the same mapping every time. */
    private record Mapping(String path, List<String> segments) {
    }

    private static volatile Mapping lastMapping = new Mapping("", List.of());

    private RequestSlotPath() {
    }

    static SlotPath of(HttpServletRequest request) throws InvalidSlotPathException {
        return SlotPath.parse(raw(request));
    }

    /**
     * The still-encoded part of the request URI after the context path and, for a path mapping such
     * as {@code /upload/*}, the servlet path. The raw prefix must spell exactly those segments
     * (escapes and {@code ;params} aside): containers normalize {@code //}, {@code .} and {@code ..}
     * in a prefix differently, and what is signed must not depend on which container answers.
     */
    static String raw(HttpServletRequest request) throws InvalidSlotPathException {
        String mapping;
        try {
            mapping = request.getContextPath() + (request.getPathInfo() != null ? request.getServletPath() : "");
        } catch (IllegalArgumentException e) {
            // Jetty, when it calls a path ambiguous (e.g. %25 without decodeAmbiguousURIs): the client's request is at fault.
            throw new InvalidSlotPathException("the container refuses this path as ambiguous (" + e.getMessage() + ")", true);
        }
        String uri = request.getRequestURI();
        int slash = 0;
        Mapping known = lastMapping;
        if (!known.path().equals(mapping)) {
            known = new Mapping(mapping, segments(mapping));
            lastMapping = known;
        }
        for (String expected : known.segments()) {
            int next = uri.indexOf('/', slash + 1);
            if (next < 0 || !expected.equals(segment(uri, slash + 1, next))) {
                throw new InvalidSlotPathException("the request path does not start with " + mapping);
            }
            slash = next;
        }
        return uri.substring(slash + 1);
    }

    /** The decoded, non-empty, non-dot segments of a context or servlet path. */
    private static List<String> segments(String mapping) throws InvalidSlotPathException {
        List<String> segments = new ArrayList<>(2);
        int start = mapping.indexOf('/');
        while (start >= 0) {
            int end = mapping.indexOf('/', start + 1);
            String segment = segment(mapping, start + 1, end < 0 ? mapping.length() : end);
            if (!segment.isEmpty() && !segment.equals(".") && !segment.equals("..")) {
                segments.add(segment);
            }
            start = end;
        }
        return List.copyOf(segments);
    }

    /** One raw segment, {@code ;params} removed and percent-decoded. */
    private static String segment(String text, int start, int end) throws InvalidSlotPathException {
        int parameters = text.indexOf(';', start);
        return SlotPath.percentDecode(text.substring(start, parameters >= 0 && parameters < end ? parameters : end));
    }
}
