package io.github.httpupload.web;

import io.github.httpupload.web.Preconditions.Outcome;
import jakarta.servlet.http.HttpServletRequest;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.Map;

import static io.github.httpupload.web.Preconditions.Outcome.NOT_MODIFIED;
import static io.github.httpupload.web.Preconditions.Outcome.PRECONDITION_FAILED;
import static io.github.httpupload.web.Preconditions.Outcome.PROCEED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

/**
 * {@link Preconditions}: RFC 9110 §13.2.2's order (If-Match, If-Unmodified-Since, If-None-Match,
 * If-Modified-Since) and If-Range (§13.1.5), against a stored file's strong validators.
 */
class PreconditionsTest {

    private static final String ETAG = "\"abc123\"";
    /** Not on a whole second: HTTP dates have none, so comparisons must be made at second resolution. */
    private static final Instant MODIFIED = Instant.parse("2024-05-01T12:00:00.750Z");
    private static final long LAST_MODIFIED = MODIFIED.toEpochMilli();

    /** The file's Last-Modified as the client sends it back: the same second, the 750 ms lost. */
    private static final String SAME_SECOND = httpDate(MODIFIED);
    private static final String SECOND_EARLIER = httpDate(MODIFIED.minusSeconds(1));
    private static final String SECOND_LATER = httpDate(MODIFIED.plusSeconds(1));
    private static final String NOT_A_DATE = "yesterday-ish";

    @Nested
    class NoConditions {

        @Test
        void proceed() {
            assertEquals(PROCEED, evaluate());
        }

        @Test
        void rangeAllowedWithoutIfRange() {
            assertTrue(rangeAllowed());
        }
    }

    @Nested
    class IfMatch {

        @Test
        void theEtagMatches() {
            assertEquals(PROCEED, evaluate("If-Match", ETAG));
        }

        @Test
        void anotherEtagFails() {
            assertEquals(PRECONDITION_FAILED, evaluate("If-Match", "\"other\""));
        }

        @Test
        void starMatches() {
            assertEquals(PROCEED, evaluate("If-Match", "*"));
        }

        @Test
        void aListContainingTheEtagMatches() {
            assertEquals(PROCEED, evaluate("If-Match", "\"one\", " + ETAG + " ,\"two\""));
        }

        @Test
        void aListWithoutTheEtagFails() {
            assertEquals(PRECONDITION_FAILED, evaluate("If-Match", "\"one\", \"two\""));
        }

        /** If-Match uses the strong comparison: a weak tag never matches. */
        @Test
        void aWeakTagFails() {
            assertEquals(PRECONDITION_FAILED, evaluate("If-Match", "W/" + ETAG));
        }
    }

    @Nested
    class IfUnmodifiedSince {

        @Test
        void theSameSecondProceeds() {
            assertEquals(PROCEED, evaluate("If-Unmodified-Since", SAME_SECOND));
        }

        @Test
        void aLaterDateProceeds() {
            assertEquals(PROCEED, evaluate("If-Unmodified-Since", SECOND_LATER));
        }

        @Test
        void anEarlierDateFails() {
            assertEquals(PRECONDITION_FAILED, evaluate("If-Unmodified-Since", SECOND_EARLIER));
        }

        @Test
        void anInvalidDateIsIgnored() {
            assertEquals(PROCEED, evaluate("If-Unmodified-Since", NOT_A_DATE));
        }

        /** §13.2.2 step 2: only when If-Match is absent. */
        @Test
        void isIgnoredWhenIfMatchIsPresent() {
            assertEquals(PROCEED, evaluate("If-Match", ETAG, "If-Unmodified-Since", SECOND_EARLIER));
        }

        @Test
        void aFailingIfMatchFailsWhateverTheDate() {
            assertEquals(PRECONDITION_FAILED, evaluate("If-Match", "\"other\"", "If-Unmodified-Since", SECOND_LATER));
        }
    }

    @Nested
    class IfNoneMatch {

        @Test
        void theEtagIsNotModified() {
            assertEquals(NOT_MODIFIED, evaluate("If-None-Match", ETAG));
        }

        @Test
        void anotherEtagProceeds() {
            assertEquals(PROCEED, evaluate("If-None-Match", "\"other\""));
        }

        @Test
        void starIsNotModified() {
            assertEquals(NOT_MODIFIED, evaluate("If-None-Match", "*"));
        }

        @Test
        void aListContainingTheEtagIsNotModified() {
            assertEquals(NOT_MODIFIED, evaluate("If-None-Match", "\"one\",W/\"two\", " + ETAG));
        }

        @Test
        void aListWithoutTheEtagProceeds() {
            assertEquals(PROCEED, evaluate("If-None-Match", "\"one\", W/\"two\""));
        }

        /** If-None-Match uses the weak comparison: W/ is ignored. */
        @Test
        void aWeakTagMatches() {
            assertEquals(NOT_MODIFIED, evaluate("If-None-Match", "W/" + ETAG));
        }

        /** §13.2.2: If-Match is evaluated first. */
        @Test
        void aFailingIfMatchComesFirst() {
            assertEquals(PRECONDITION_FAILED, evaluate("If-Match", "\"other\"", "If-None-Match", ETAG));
        }

        @Test
        void aFailingIfUnmodifiedSinceComesFirst() {
            assertEquals(PRECONDITION_FAILED, evaluate("If-Unmodified-Since", SECOND_EARLIER, "If-None-Match", ETAG));
        }

        @Test
        void afterAMatchingIfMatch() {
            assertEquals(NOT_MODIFIED, evaluate("If-Match", ETAG, "If-None-Match", ETAG));
        }
    }

    @Nested
    class IfModifiedSince {

        @Test
        void theSameSecondIsNotModified() {
            assertEquals(NOT_MODIFIED, evaluate("If-Modified-Since", SAME_SECOND));
        }

        @Test
        void aLaterDateIsNotModified() {
            assertEquals(NOT_MODIFIED, evaluate("If-Modified-Since", SECOND_LATER));
        }

        @Test
        void anEarlierDateProceeds() {
            assertEquals(PROCEED, evaluate("If-Modified-Since", SECOND_EARLIER));
        }

        @Test
        void anInvalidDateIsIgnored() {
            assertEquals(PROCEED, evaluate("If-Modified-Since", NOT_A_DATE));
        }

        /** §13.2.2 step 4: only when If-None-Match is absent. */
        @Test
        void isIgnoredWhenIfNoneMatchIsPresent() {
            assertEquals(PROCEED, evaluate("If-None-Match", "\"other\"", "If-Modified-Since", SECOND_LATER));
        }

        @Test
        void aFailingIfUnmodifiedSinceComesFirst() {
            assertEquals(PRECONDITION_FAILED,
                    evaluate("If-Unmodified-Since", SECOND_EARLIER, "If-Modified-Since", SECOND_LATER));
        }
    }

    @Nested
    class IfRange {

        @Test
        void theEtagAllowsTheRange() {
            assertTrue(rangeAllowed("If-Range", ETAG));
        }

        @Test
        void theEtagWithSpacesAroundAllowsTheRange() {
            assertTrue(rangeAllowed("If-Range", "  " + ETAG + " "));
        }

        @Test
        void anotherEtagRefusesTheRange() {
            assertFalse(rangeAllowed("If-Range", "\"other\""));
        }

        /** If-Range needs a strong match. */
        @Test
        void aWeakEtagRefusesTheRange() {
            assertFalse(rangeAllowed("If-Range", "W/" + ETAG));
        }

        @Test
        void theExactDateAllowsTheRange() {
            assertTrue(rangeAllowed("If-Range", SAME_SECOND));
        }

        @Test
        void aLaterDateRefusesTheRange() {
            assertFalse(rangeAllowed("If-Range", SECOND_LATER));
        }

        @Test
        void anEarlierDateRefusesTheRange() {
            assertFalse(rangeAllowed("If-Range", SECOND_EARLIER));
        }

        @Test
        void anInvalidDateRefusesTheRange() {
            assertFalse(rangeAllowed("If-Range", NOT_A_DATE));
        }

        @Test
        void doesNotAffectEvaluate() {
            assertEquals(PROCEED, evaluate("If-Range", "\"other\""));
        }
    }

    // ---- helpers ----

    private static Outcome evaluate(String... headers) {
        return Preconditions.evaluate(request(headers), ETAG, LAST_MODIFIED);
    }

    private static boolean rangeAllowed(String... headers) {
        return Preconditions.rangeAllowed(request(headers), ETAG, LAST_MODIFIED);
    }

    /**
     * A request with these headers (name, value, name, value…). {@code getDateHeader} answers as
     * a container does: -1 when absent, {@link IllegalArgumentException} when not an HTTP date.
     */
    private static HttpServletRequest request(String... headers) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < headers.length; i += 2) {
            values.put(headers[i], headers[i + 1]);
        }
        HttpServletRequest request = mock(HttpServletRequest.class);
        when(request.getHeader(anyString())).thenAnswer(call -> values.get(call.<String>getArgument(0)));
        when(request.getDateHeader(anyString())).thenAnswer(call -> {
            String value = values.get(call.<String>getArgument(0));
            if (value == null) {
                return -1L;
            }
            try {
                return Instant.from(DateTimeFormatter.RFC_1123_DATE_TIME.parse(value.trim())).toEpochMilli();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException(value, e);
            }
        });
        return request;
    }

    private static String httpDate(Instant instant) {
        return DateTimeFormatter.RFC_1123_DATE_TIME.format(instant.atOffset(ZoneOffset.UTC));
    }
}
