package io.github.httpupload.auth;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SlotPathTest {

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', value = {
            "foo/bar.jpg | foo/bar.jpg",
            "foo/caf%c3%a9%20%c3%bcber.jpg | foo/café über.jpg",
            "foo/caf%C3%A9%20%C3%BCber.jpg | foo/café über.jpg",
            "foo/a%2bb%20c%2520d.jpg | foo/a+b c%20d.jpg",
            "foo/a+b.jpg | foo/a+b.jpg",
            "foo/notes%20(v1);draft=2.txt | foo/notes (v1);draft=2.txt",
            "foo/%23hash%3Fquery%22quoted%22'single'.txt | foo/#hash?query\"quoted\"'single'.txt",
            "a/b/c/d | a/b/c/d",
    })
    void decodesExactlyOnceAndKeepsPlus(String raw, String decoded) throws Exception {
        assertEquals(decoded, SlotPath.parse(raw).value());
    }

    @Test
    void noUnicodeNormalization() throws Exception {
        // "é" precomposed (NFC) and as e + combining acute (NFD) are different slot paths.
        assertEquals("foo/caf\u00e9", SlotPath.parse("foo/caf%c3%a9").value());
        assertEquals("foo/cafe\u0301", SlotPath.parse("foo/cafe%cc%81").value());
    }

    @Test
    void countsSegmentsAndNamesTheFile() throws Exception {
        SlotPath path = SlotPath.parse("43fedd/AbCd/my%20juliet.jpg");

        assertEquals(3, path.segments());
        assertEquals("my juliet.jpg", path.fileName());
    }

    @ParameterizedTest(name = "[{0}] is refused")
    @ValueSource(strings = {
            "", "/", "foo/", "/foo/bar", "foo//bar", "./bar", "foo/.", "foo/..", "../etc/passwd", "foo/../bar",
            "foo/%2e%2e", "foo/%2E", "foo/%2e%2e/bar", "foo/a%00b", "foo/a%0ab", "foo/a%0d%0ab", "foo/a%7fb", "foo/a%c2%85b",
            "foo/a%5cb", "foo/a\\b", "foo/%", "foo/%4", "foo/%zz", "foo/%c3", "foo/%c0%af", "foo/%ed%a0%80", "foo/%ff",
            "foo/a%2f", "foo%2f%2fbar", "foo/café.txt", "foo/%\uFF11\uFF11",
    })
    void refusesPathsThatCannotNameAFile(String raw) {
        assertThrows(InvalidSlotPathException.class, () -> SlotPath.parse(raw));
    }

    @Test
    void anEncodedSlashIsASeparatorAfterDecoding() throws Exception {
        // One decoded path, one file, whichever way the slash was spelled.
        assertEquals(SlotPath.parse("foo/bar"), SlotPath.parse("foo%2fbar"));
    }
}
