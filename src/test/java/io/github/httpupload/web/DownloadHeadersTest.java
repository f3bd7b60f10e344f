package io.github.httpupload.web;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.junit.jupiter.api.Assertions.assertEquals;

class DownloadHeadersTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "image/jpeg, true", "IMAGE/PNG, true", "video/mp4, true", "audio/ogg; codecs=opus, true",
            "text/plain, true", "text/plain;charset=UTF-8, true",
            "image/svg+xml, false", "text/html, false", "application/pdf, false", "application/octet-stream, false",
            "text/plainx, false", "imagex/png, false",
    })
    void onlyMediaAndPlainTextAreInline(String contentType, boolean inline) {
        assertEquals(inline, DownloadHeaders.isInline(contentType));
    }

    @Test
    void dispositionCarriesAnAsciiFallbackAndTheUtf8Name() {
        assertEquals("inline; filename=\"tr_s cool.jpg\"; filename*=UTF-8''tr%C3%A8s%20cool.jpg",
                DownloadHeaders.contentDisposition("image/jpeg", "très cool.jpg"));
        assertEquals("attachment; filename=\"a_b_c;d.txt\"; filename*=UTF-8''a%22b%5Cc%3Bd.txt",
                DownloadHeaders.contentDisposition("text/html", "a\"b\\c;d.txt"));
    }

    @Test
    void aVeryLongNameIsCutTo255BytesKeepingItsExtension() {
        String name = "日".repeat(800) + ".jpg";

        String shortened = DownloadHeaders.shortened(name);

        assertEquals(true, shortened.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= 255);
        assertEquals(true, shortened.endsWith(".jpg"));
        assertEquals("日".repeat(83) + ".jpg", shortened);
        assertEquals("short.txt", DownloadHeaders.shortened("short.txt"));
    }

    @Test
    void aFileThatWillBeDeletedIsCachedNoLongerThanItLives() {
        java.time.Instant now = java.time.Instant.parse("2026-11-29T00:00:00Z");

        assertEquals(DownloadHeaders.CACHE_CONTROL, DownloadHeaders.cacheControl(java.util.Optional.empty(), now));
        assertEquals("public, max-age=86400, immutable",
                DownloadHeaders.cacheControl(java.util.Optional.of(now.plusSeconds(86400)), now));
        assertEquals("public, max-age=0, immutable",
                DownloadHeaders.cacheControl(java.util.Optional.of(now.minusSeconds(5)), now), "overdue, not yet swept");
        assertEquals("public, max-age=31536000, immutable",
                DownloadHeaders.cacheControl(java.util.Optional.of(now.plusSeconds(3 * 31_536_000L)), now));
    }
}
