package io.github.httpupload.web;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

class ByteRangeTest {

    private static final long SIZE = 1000;
    private static final long THREE_GIB = 3L * 1024 * 1024 * 1024;

    @ParameterizedTest(name = "{0} of 1000 bytes -> [{1}, {2})")
    @CsvSource(delimiter = '|', value = {
            "bytes=0-1 | 0 | 2",
            "bytes=0-0 | 0 | 1",
            "bytes=10-19 | 10 | 20",
            "bytes=990- | 990 | 1000",
            "bytes=0- | 0 | 1000",
            "bytes=-1 | 999 | 1000",
            "bytes=-5000 | 0 | 1000",
            "bytes=500-99999 | 500 | 1000",
            "BYTES=1-2 | 1 | 3",
            " bytes= 7 - 8  | 7 | 9",
    })
    void singleRanges(String header, long start, long end) {
        assertEquals(new ByteRange(start, end), ByteRange.parse(header, SIZE));
    }

    @ParameterizedTest(name = "{0} -> whole file")
    @ValueSource(strings = {"", "bytes=", "bytes=-", "items=0-1", "bytes=5-3", "bytes=a-b", "bytes=+1-2", "bytes=1-+2",
            "bytes=0-1,5-6", "bytes=0-1, -5", "bytes 0-1", "bytes=99999999999999999999-", "bytes=--1"})
    void ignoredHeaders(String header) {
        assertNull(ByteRange.parse(header, SIZE));
    }

    @ParameterizedTest(name = "{0} -> 416")
    @ValueSource(strings = {"bytes=1000-", "bytes=1000-2000", "bytes=-0", "bytes=5000-6000"})
    void unsatisfiable(String header) {
        assertSame(ByteRange.UNSATISFIABLE, ByteRange.parse(header, SIZE));
    }

    @ParameterizedTest(name = "{0} of an empty file -> 416")
    @ValueSource(strings = {"bytes=0-", "bytes=0-0", "bytes=-1"})
    void anEmptyFileHasNoRange(String header) {
        assertSame(ByteRange.UNSATISFIABLE, ByteRange.parse(header, 0));
    }

    @ParameterizedTest(name = "{0} of a 3 GiB file")
    @CsvSource(delimiter = '|', value = {
            "bytes=3221225400- | 3221225400 | 3221225472",
            "bytes=-72 | 3221225400 | 3221225472",
            "bytes=2147483648-2147483649 | 2147483648 | 2147483650",
    })
    void rangesBeyondTwoGiB(String header, long start, long end) {
        ByteRange range = ByteRange.parse(header, THREE_GIB);

        assertEquals(new ByteRange(start, end), range);
        assertEquals("bytes " + start + "-" + (end - 1) + "/" + THREE_GIB, range.contentRange(THREE_GIB));
    }
}
