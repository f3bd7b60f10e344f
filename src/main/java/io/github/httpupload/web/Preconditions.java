package io.github.httpupload.web;

import jakarta.servlet.http.HttpServletRequest;

/**
 * Conditional requests (RFC 9110 §13) against a stored file's validators, evaluated in the order
 * §13.2.2 gives: If-Match, If-Unmodified-Since, If-None-Match, If-Modified-Since; If-Range decides
 * later whether a Range is honoured. Stored files never change, so the validators are strong.
 */
final class Preconditions {

    enum Outcome { PROCEED, NOT_MODIFIED, PRECONDITION_FAILED }

    private Preconditions() {
    }

    /**
     * @param etag         the file's strong entity tag, quotes included
     * @param lastModified the file's modification time in milliseconds
     */
    static Outcome evaluate(HttpServletRequest request, String etag, long lastModified) {
        String ifMatch = request.getHeader("If-Match");
        if (ifMatch != null) {
            if (!matches(ifMatch, etag, false)) {
                return Outcome.PRECONDITION_FAILED;
            }
        } else if (isAfter(lastModified, date(request, "If-Unmodified-Since"))) {
            return Outcome.PRECONDITION_FAILED;
        }
        String ifNoneMatch = request.getHeader("If-None-Match");
        if (ifNoneMatch != null) {
            return matches(ifNoneMatch, etag, true) ? Outcome.NOT_MODIFIED : Outcome.PROCEED;
        }
        long ifModifiedSince = date(request, "If-Modified-Since");
        if (ifModifiedSince >= 0 && !isAfter(lastModified, ifModifiedSince)) {
            return Outcome.NOT_MODIFIED;
        }
        return Outcome.PROCEED;
    }

    /**
     * Whether a Range may be honoured: there is no If-Range, or it names this exact file (a strong
     * entity tag match, or exactly its Last-Modified date).
     */
    static boolean rangeAllowed(HttpServletRequest request, String etag, long lastModified) {
        String ifRange = request.getHeader("If-Range");
        if (ifRange == null) {
            return true;
        }
        String value = ifRange.trim();
        if (value.startsWith("\"") || value.startsWith("W/")) {
            return value.equals(etag);
        }
        long date = date(request, "If-Range");
        return date >= 0 && seconds(date) == seconds(lastModified);
    }

    /** Whether a comma-separated list of entity tags (or {@code *}) contains {@code etag}. */
    static boolean matches(String list, String etag, boolean weak) {
        for (String candidate : list.split(",")) {
            String tag = candidate.trim();
            if (tag.equals("*")) {
                return true;
            }
            if (weak && tag.startsWith("W/")) {
                tag = tag.substring(2);
            }
            if (tag.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    /** An HTTP-date header in milliseconds, or -1 when absent or not a valid date (then ignored). */
    private static long date(HttpServletRequest request, String name) {
        try {
            return request.getDateHeader(name);
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    /** HTTP dates have whole seconds: compare at that resolution. */
    private static boolean isAfter(long lastModified, long date) {
        return date >= 0 && seconds(lastModified) > seconds(date);
    }

    private static long seconds(long millis) {
        return millis / 1000;
    }
}
