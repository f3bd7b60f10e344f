package io.github.httpupload.web;

import io.github.httpupload.web.SlowUploadGuard.UploadTooSlowException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;

import static io.github.httpupload.web.SlowUploadGuard.MIN_BYTES;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@link SlowUploadGuard} on a fake nano clock that the test advances: no sleeping. Every period
 * of the idle timeout must bring at least {@value SlowUploadGuard#MIN_BYTES} bytes; the read that
 * ends a period counts for it.
 */
class SlowUploadGuardTest {

    private static final int TIMEOUT_SECONDS = 10;

    /** A nano clock that only moves when told to; starts far from zero, as System.nanoTime may. */
    private static final class FakeClock {
        long nanos = 123_456_789_000L;

        long nanoTime() {
            return nanos;
        }

        void advanceSeconds(long seconds) {
            nanos += TimeUnit.SECONDS.toNanos(seconds);
        }
    }

    private final FakeClock clock = new FakeClock();

    private SlowUploadGuard guard(int bodyBytes) {
        return guard(new ByteArrayInputStream(new byte[bodyBytes]));
    }

    private SlowUploadGuard guard(InputStream body) {
        return new SlowUploadGuard(body, TIMEOUT_SECONDS, clock::nanoTime);
    }

    /** Reads exactly {@code n} bytes (the body is in memory, so one read gives them all). */
    private static void read(InputStream in, int n) throws IOException {
        assertEquals(n, in.read(new byte[n], 0, n));
    }

    @Test
    void aSteadyUploadFastEnoughPasses() throws IOException {
        // 2 KiB a second is 20 KiB per 10 s period, above the 16 KiB minimum, for a minute.
        SlowUploadGuard in = guard(60 * 2048 + 1);
        for (int second = 0; second < 60; second++) {
            read(in, 2048);
            clock.advanceSeconds(1);
        }
        read(in, 1);
    }

    @Test
    void exactlyTheMinimumEachPeriodPasses() throws IOException {
        SlowUploadGuard in = guard(5 * MIN_BYTES);
        for (int period = 0; period < 5; period++) {
            clock.advanceSeconds(TIMEOUT_SECONDS);
            read(in, MIN_BYTES);
        }
    }

    @Test
    void tooFewBytesInAPeriodThrows() throws IOException {
        SlowUploadGuard in = guard(MIN_BYTES);
        read(in, 1000);
        clock.advanceSeconds(TIMEOUT_SECONDS);
        UploadTooSlowException e = assertThrows(UploadTooSlowException.class, () -> read(in, 1000));
        assertEquals("only 2000 bytes in 10 s", e.getMessage());
    }

    @Test
    void oneByteShortOfTheMinimumThrows() throws IOException {
        SlowUploadGuard in = guard(MIN_BYTES);
        clock.advanceSeconds(TIMEOUT_SECONDS);
        UploadTooSlowException e = assertThrows(UploadTooSlowException.class, () -> read(in, MIN_BYTES - 1));
        assertEquals("only " + (MIN_BYTES - 1) + " bytes in 10 s", e.getMessage());
    }

    @Test
    void nothingIsCheckedBeforeThePeriodEnds() throws IOException {
        SlowUploadGuard in = guard(10);
        read(in, 1);
        clock.nanos += TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS) - 1;
        read(in, 1);
    }

    @Test
    void theMessageNamesTheSecondsThatReallyPassed() throws IOException {
        SlowUploadGuard in = guard(10);
        clock.advanceSeconds(25); // one read after a long silence
        UploadTooSlowException e = assertThrows(UploadTooSlowException.class, () -> read(in, 3));
        assertEquals("only 3 bytes in 25 s", e.getMessage());
    }

    @Test
    void theCountRestartsEachPeriod() throws IOException {
        SlowUploadGuard in = guard(3 * MIN_BYTES + 200);
        read(in, 3 * MIN_BYTES); // far more than enough for the first period...
        clock.advanceSeconds(TIMEOUT_SECONDS);
        read(in, 100); // ...which this read ends
        clock.advanceSeconds(TIMEOUT_SECONDS);
        // The surplus does not carry over: the second period brought only 100 bytes.
        UploadTooSlowException e = assertThrows(UploadTooSlowException.class, () -> read(in, 100));
        assertEquals("only 100 bytes in 10 s", e.getMessage());
    }

    @Test
    void theEndOfTheStreamNeverThrows() throws IOException {
        SlowUploadGuard in = guard(10);
        read(in, 10);
        clock.advanceSeconds(3600);
        assertEquals(-1, in.read(new byte[100], 0, 100));
        clock.advanceSeconds(3600);
        assertEquals(-1, in.read(new byte[100], 0, 100));
        assertEquals(-1, in.read());
    }

    @Test
    void singleByteReadsReturnEachByteUnsignedThenEnd() throws IOException {
        SlowUploadGuard in = guard(new ByteArrayInputStream(new byte[] {1, 2, (byte) 0xff, 0}));
        assertEquals(1, in.read());
        assertEquals(2, in.read());
        assertEquals(0xff, in.read());
        assertEquals(0, in.read());
        assertEquals(-1, in.read());
    }

    @Test
    void singleByteReadsCountAndThrowWhenTooSlow() throws IOException {
        SlowUploadGuard in = guard(100);
        assertEquals(0, in.read());
        clock.advanceSeconds(TIMEOUT_SECONDS);
        UploadTooSlowException e = assertThrows(UploadTooSlowException.class, in::read);
        assertEquals("only 2 bytes in 10 s", e.getMessage());
    }

    @Test
    void readsPassTheBytesThrough() throws IOException {
        byte[] body = {10, 20, 30, 40, 50};
        SlowUploadGuard in = guard(new ByteArrayInputStream(body));
        byte[] buffer = new byte[7];
        assertEquals(5, in.read(buffer, 1, 6));
        assertArrayEquals(new byte[] {0, 10, 20, 30, 40, 50, 0}, buffer);
    }

    @Test
    void theTwoArgumentConstructorUsesTheSystemClock() {
        SlowUploadGuard in = new SlowUploadGuard(new ByteArrayInputStream(new byte[4]), TIMEOUT_SECONDS);
        assertDoesNotThrow(() -> assertEquals(4, in.readAllBytes().length));
    }
}
