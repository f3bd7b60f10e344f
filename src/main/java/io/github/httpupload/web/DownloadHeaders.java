package io.github.httpupload.web;

import io.github.httpupload.auth.SlotPath;
import io.github.httpupload.storage.StoredObject;
import jakarta.servlet.http.HttpServletResponse;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Locale;

/**
 * The headers every download carries (docs/http.md#downloads): validators and caching for files that never
 * change, a Content-Disposition that shows media and plain text inline and offers everything else
 * as an attachment under its original name, and headers that stop a browser from running or
 * framing what users uploaded.
 */
final class DownloadHeaders {

    /**
     * Nothing may load, run, submit or navigate (sandbox), except the file itself as an image or
     * media, and the styles of the browser's own media viewer; nobody may frame it.
     */
    static final String CONTENT_SECURITY_POLICY =
            "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox";

    private DownloadHeaders() {
    }

    /** Stored files never change, so caches may keep them for a year without asking again. */
    static final String CACHE_CONTROL = "public, max-age=31536000, immutable";
    private static final long ONE_YEAR_SECONDS = 31_536_000;

    /**
     * A strong entity tag from what the header already holds (store time and size): nothing is
     * hashed per request, and a file stored again after a deletion gets another tag.
     */
    static String etag(StoredObject file) {
        return "\"" + Long.toHexString(file.storedAt().toEpochMilli()) + "-" + Long.toHexString(file.size()) + "\"";
    }

    /** The headers that 200, 206 and 304 answers share. */
    static void applyValidators(HttpServletResponse response, String etag, long lastModified, Optional<Instant> deleteAt,
                                Instant now) {
        response.setHeader("ETag", etag);
        response.setDateHeader("Last-Modified", lastModified);
        response.setHeader("Cache-Control", cacheControl(deleteAt, now));
        response.setHeader("Accept-Ranges", "bytes");
    }

    /**
     * A year, or less for a file the service will delete sooner: a browser or proxy should not
     * keep showing a file after it expired here (people expect expired files to be gone).
     */
    static String cacheControl(Optional<Instant> deleteAt, Instant now) {
        if (deleteAt.isEmpty()) {
            return CACHE_CONTROL;
        }
        long seconds = Math.max(0, Math.min(ONE_YEAR_SECONDS, Duration.between(now, deleteAt.get()).getSeconds()));
        return "public, max-age=" + seconds + ", immutable";
    }

    /** The {@code Content-Disposition} of {@code file}: inline or attachment, under its original name. */
    static String contentDisposition(StoredObject file) {
        return contentDisposition(file.contentType(), SlotPath.fileNameOf(file.slotPath()));
    }

    /** The headers of an answer that carries the file's content, with its {@link #contentDisposition(StoredObject)}. */
    static void applyContentHeaders(HttpServletResponse response, String contentDisposition) {
        response.setHeader("Content-Disposition", contentDisposition);
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Content-Security-Policy", CONTENT_SECURITY_POLICY);
        response.setHeader("X-Frame-Options", "DENY");
    }

    /** What file systems accept as one name; a longer one could not be saved under it anyway. */
    static final int MAX_NAME_BYTES = 255;

    static String contentDisposition(String contentType, String fullName) {
        String fileName = shortened(fullName);
        return (isInline(contentType) ? "inline" : "attachment")
                + "; filename=\"" + asciiFallback(fileName) + "\""
                + "; filename*=UTF-8''" + rfc5987(fileName);
    }

    /** Images (but not SVG, which can carry scripts), audio, video and plain text open in the browser. */
    static boolean isInline(String contentType) {
        String type = contentType.toLowerCase(Locale.ROOT);
        int parameters = type.indexOf(';');
        String mediaType = (parameters < 0 ? type : type.substring(0, parameters)).trim();
        return mediaType.startsWith("image/") && !mediaType.startsWith("image/svg")
                || mediaType.startsWith("video/")
                || mediaType.startsWith("audio/")
                || mediaType.equals("text/plain");
    }

    /**
     * The name cut to {@value #MAX_NAME_BYTES} UTF-8 bytes, keeping a short extension, at a code
     * point boundary: a name of thousands of characters would otherwise overflow the container's
     * response header buffer (Tomcat: 8 KiB), and the download would fail with 500.
     */
    static String shortened(String name) {
        if (name.getBytes(StandardCharsets.UTF_8).length <= MAX_NAME_BYTES) {
            return name;
        }
        int dot = name.lastIndexOf('.');
        String extension = dot > 0 && name.length() - dot <= 16 ? name.substring(dot) : "";
        int budget = MAX_NAME_BYTES - extension.getBytes(StandardCharsets.UTF_8).length;
        StringBuilder kept = new StringBuilder();
        int used = 0;
        for (int i = 0; i < name.length() - extension.length(); ) {
            int codePoint = name.codePointAt(i);
            int bytes = new String(Character.toChars(codePoint)).getBytes(StandardCharsets.UTF_8).length;
            if (used + bytes > budget) {
                break;
            }
            kept.appendCodePoint(codePoint);
            used += bytes;
            i += Character.charCount(codePoint);
        }
        return kept + extension;
    }

    /** For old clients: printable ASCII, with quotes, backslashes and everything else replaced by {@code _}. */
    static String asciiFallback(String fileName) {
        StringBuilder out = new StringBuilder(fileName.length());
        fileName.codePoints().forEach(c -> out.append(c >= 0x20 && c < 0x7f && c != '"' && c != '\\' ? (char) c : '_'));
        return out.toString();
    }

    /** RFC 8187 {@code value-chars}: attr-chars as they are, every other UTF-8 byte as {@code %XX}. */
    static String rfc5987(String fileName) {
        StringBuilder out = new StringBuilder(fileName.length() * 3);
        for (byte b : fileName.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xff;
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "!#$&+-.^_`|~".indexOf(c) >= 0)) {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }
}
