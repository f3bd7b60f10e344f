package io.github.httpupload.web;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.function.LongSupplier;

/**
 * Ends an upload that trickles: in every period of the idle timeout at least {@value #MIN_BYTES}
 * bytes must arrive. A stalled connection (no bytes at all) is ended by the container's own read
 * timeout (Tomcat {@code connectionTimeout}, Jetty {@code idleTimeout}); a client sending a byte
 * now and then would pass that one forever and hold a request thread.
 */
final class SlowUploadGuard extends FilterInputStream {

    static final int MIN_BYTES = 16 * 1024;

    private final long periodNanos;
    private final LongSupplier nanoTime;
    private long periodStart;
    private long periodBytes;

    SlowUploadGuard(InputStream body, int idleTimeoutSeconds) {
        this(body, idleTimeoutSeconds, System::nanoTime);
    }

    /** @param nanoTime the clock, {@link System#nanoTime} but for tests */
    SlowUploadGuard(InputStream body, int idleTimeoutSeconds, LongSupplier nanoTime) {
        super(body);
        this.periodNanos = idleTimeoutSeconds * 1_000_000_000L;
        this.nanoTime = nanoTime;
        this.periodStart = nanoTime.getAsLong();
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int read = super.read(buffer, offset, length);
        periodBytes += Math.max(read, 0);
        long now = nanoTime.getAsLong();
        if (now - periodStart >= periodNanos) {
            if (periodBytes < MIN_BYTES && read >= 0) {
                throw new UploadTooSlowException(periodBytes, (now - periodStart) / 1_000_000_000L);
            }
            periodStart = now;
            periodBytes = 0;
        }
        return read;
    }

    /** The client sent too little for too long. */
    static final class UploadTooSlowException extends IOException {

        private static final long serialVersionUID = 1L;

        UploadTooSlowException(long bytes, long seconds) {
            super("only " + bytes + " bytes in " + seconds + " s");
        }
    }
}
