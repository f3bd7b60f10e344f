package io.github.httpupload.web;

import java.util.Locale;

/**
 * One satisfiable byte range of a file (RFC 9110 §14): {@code start} inclusive, {@code end}
 * exclusive, both {@code long} so files above 2 GiB work.
 */
record ByteRange(long start, long end) {

    /** The request asked only for bytes the file does not have: answer 416. */
    static final ByteRange UNSATISFIABLE = new ByteRange(-1, -1);

    /**
     * The range a {@code Range} header asks for in a file of {@code size} bytes; {@code null} when
     * the whole file is to be sent: no header, another unit, a syntax error (RFC 9110 lets a server
     * ignore those), or several ranges (answered with the whole file rather than multipart).
     */
    static ByteRange parse(String header, long size) {
        if (header == null) {
            return null;
        }
        String value = header.trim();
        if (!value.toLowerCase(Locale.ROOT).startsWith("bytes=") || value.indexOf(',') >= 0) {
            return null;
        }
        String spec = value.substring("bytes=".length()).trim();
        int dash = spec.indexOf('-');
        if (dash < 0) {
            return null;
        }
        long first = digits(spec.substring(0, dash).trim());
        long last = digits(spec.substring(dash + 1).trim());
        if (dash == 0) { // suffix range "-n": the last n bytes
            if (last < 0) {
                return null;
            }
            return last == 0 || size == 0 ? UNSATISFIABLE : new ByteRange(Math.max(0, size - last), size);
        }
        if (first < 0 || dash < spec.length() - 1 && (last < 0 || last < first)) {
            return null;
        }
        if (first >= size) {
            return UNSATISFIABLE;
        }
        long end = dash == spec.length() - 1 ? size : Math.min(last, size - 1) + 1;
        return new ByteRange(first, end);
    }

    long length() {
        return end - start;
    }

    /** The {@code Content-Range} value of a 206 answer. */
    String contentRange(long size) {
        return "bytes " + start + "-" + (end - 1) + "/" + size;
    }

    /** A non-negative decimal number, or -1 for anything else (empty, signs, overflow). */
    private static long digits(String text) {
        if (text.isEmpty() || text.length() > 18) {
            return -1;
        }
        long value = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return -1;
            }
            value = value * 10 + (c - '0');
        }
        return value;
    }
}
