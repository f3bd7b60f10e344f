package io.github.httpupload.auth;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * The slot path of a request: what the XMPP server signed, e.g. {@code 4a771ac1-…/très cool.jpg}.
 * It is percent-decoded exactly once as UTF-8, with {@code +} kept literal and no Unicode
 * normalization, because that is what Prosody, ejabberd and Metronome sign. Every instance is validated: non-empty segments, no {@code .} or {@code ..}, no
 * control characters, no backslash. This is the only way request text reaches storage.
 *
 * @param value    the decoded path, segments joined by {@code /}
 * @param segments how many segments it has
 */
public record SlotPath(String value, int segments) {

    /** Decodes and validates a raw, still percent-encoded slot path (no leading slash). */
    public static SlotPath parse(String raw) throws InvalidSlotPathException {
        String decoded = percentDecode(raw);
        if (decoded.isEmpty()) {
            throw new InvalidSlotPathException("empty path");
        }
        int segments = 1;
        int segmentStart = 0;
        for (int i = 0; i <= decoded.length(); i++) {
            char c = i < decoded.length() ? decoded.charAt(i) : '/';
            if (c == '/') {
                checkSegment(decoded.substring(segmentStart, i));
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

    /** The last segment: the file name the uploader chose. */
    public String fileName() {
        return value.substring(value.lastIndexOf('/') + 1);
    }

    @Override
    public String toString() {
        return value;
    }

    private static void checkSegment(String segment) throws InvalidSlotPathException {
        if (segment.isEmpty()) {
            throw new InvalidSlotPathException("empty path segment");
        }
        if (segment.equals(".") || segment.equals("..")) {
            throw new InvalidSlotPathException("dot segment in path");
        }
    }

    /** RFC 3986 percent-decoding, once: only {@code %XX} is decoded; {@code +} stays a plus. */
    static String percentDecode(String raw) throws InvalidSlotPathException {
        if (raw.indexOf('%') < 0 && isAscii(raw)) {
            return raw;
        }
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%') {
                int high = i + 2 < raw.length() ? Character.digit(raw.charAt(i + 1), 16) : -1;
                int low = high >= 0 ? Character.digit(raw.charAt(i + 2), 16) : -1;
                if (low < 0) {
                    throw new InvalidSlotPathException("malformed percent-escape");
                }
                bytes.write(high << 4 | low);
                i += 2;
            } else if (c < 0x80) {
                bytes.write(c);
            } else {
                // A container that hands us raw non-ASCII characters has already decoded them as text.
                int end = i;
                while (end < raw.length() && raw.charAt(end) >= 0x80) {
                    end++;
                }
                bytes.writeBytes(raw.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end - 1;
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

    private static boolean isAscii(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) >= 0x80) {
                return false;
            }
        }
        return true;
    }
}
