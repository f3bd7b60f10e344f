package io.github.httpupload.auth;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The slot path of a request: what the XMPP server signed, e.g. {@code 4a771ac1-…/très cool.jpg}.
 * It is percent-decoded exactly once as UTF-8, with {@code +} kept literal and no Unicode
 * normalization, because that is what Prosody, ejabberd and Metronome sign. The only way to get
 * one is {@link #parse}, which refuses empty, {@code .} and {@code ..} segments, control
 * characters, backslashes and over-long paths: this is the only way request text reaches storage.
 */
public final class SlotPath {

    /** Far above any real name (a 200-character unicode file name is about 600 bytes). */
    static final int MAX_LENGTH = 4096;

    private final String value;
    private final int segments;

    private SlotPath(String value, int segments) {
        this.value = value;
        this.segments = segments;
    }

    /** Decodes and validates a raw, still percent-encoded slot path (no leading slash). */
    public static SlotPath parse(String raw) throws InvalidSlotPathException {
        String decoded = percentDecode(raw);
        if (decoded.isEmpty()) {
            throw new InvalidSlotPathException("empty path");
        }
        if (decoded.length() > MAX_LENGTH) {
            throw new InvalidSlotPathException("path longer than " + MAX_LENGTH + " characters");
        }
        int segments = 1;
        int segmentStart = 0;
        for (int i = 0; i <= decoded.length(); i++) {
            char c = i < decoded.length() ? decoded.charAt(i) : '/';
            if (c == '/') {
                checkSegment(decoded, segmentStart, i);
                if (i < decoded.length()) {
                    segments++;
                }
                segmentStart = i + 1;
            } else if (c == '\\') {
                throw new InvalidSlotPathException("backslash in path");
            } else if (Character.isISOControl(c)) {
                throw new InvalidSlotPathException("control character in path");
            }
        }
        return new SlotPath(decoded, segments);
    }

    /** The decoded path, segments joined by {@code /}. */
    public String value() {
        return value;
    }

    /** How many segments the path has. */
    public int segments() {
        return segments;
    }

    /** The last segment: the file name the uploader chose. */
    public String fileName() {
        return fileNameOf(value);
    }

    /** The last segment of a decoded slot path. */
    public static String fileNameOf(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SlotPath path && value.equals(path.value);
    }

    @Override
    public int hashCode() {
        return value.hashCode();
    }

    @Override
    public String toString() {
        return value;
    }

    private static void checkSegment(String path, int start, int end) throws InvalidSlotPathException {
        if (start == end) {
            throw new InvalidSlotPathException("empty path segment");
        }
        if (path.charAt(start) == '.' && (end - start == 1 || end - start == 2 && path.charAt(start + 1) == '.')) {
            throw new InvalidSlotPathException("dot segment in path");
        }
    }

    /**
     * RFC 3986 percent-decoding, once: only {@code %XX} is decoded; {@code +} stays a plus. The raw
     * path is ASCII: Tomcat and Jetty refuse raw non-ASCII bytes in the request line themselves.
     */
    public static String percentDecode(String raw) throws InvalidSlotPathException {
        boolean escaped = false;
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c >= 0x80) {
                throw new InvalidSlotPathException("raw non-ASCII character in path");
            }
            escaped |= c == '%';
        }
        if (!escaped) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int high = i + 2 < raw.length() ? hexDigit(raw.charAt(i + 1)) : -1;
                int low = high >= 0 ? hexDigit(raw.charAt(i + 2)) : -1;
                if (low < 0) {
                    throw new InvalidSlotPathException("malformed percent-escape");
                }
                bytes.write(high << 4 | low);
                i += 2;
            } else {
                bytes.write(c);
            }
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes.toByteArray()))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new InvalidSlotPathException("path is not valid UTF-8");
        }
    }

    /** An ASCII hex digit's value, or -1 ({@link Character#digit} would accept fullwidth digits too). */
    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }
}
