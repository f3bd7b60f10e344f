package io.github.httpupload.storage.s3;

import io.github.httpupload.storage.IncompleteUploadException;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * An upload body as the SDK reads it: exactly {@code length} bytes, and an early end is an
 * error (so the request to the store fails and nothing is stored), never a short object. Keeps
 * the client-side failure, which the SDK wraps in its own exceptions.
 *
 * <p>The first {@link #REPLAY_WINDOW} bytes are kept, so that a request that failed early (a
 * kept-alive connection the store had closed fails on its first writes) can be sent again: the
 * client's stream itself can be read only once. Memory stays bounded by the window per upload.
 */
final class ExactLengthBody extends InputStream {

    /** Covers the SDK's first signed chunk (128 KiB) and what a dead socket accepts before it fails. */
    static final int REPLAY_WINDOW = 256 * 1024;

    private final InputStream in;
    private final long length;
    /** What the client sent so far, kept while it fits the window. */
    private byte[] kept = new byte[0];
    /** Bytes read from the client. */
    private long received;
    /** Bytes handed to the SDK in the current attempt; below {@code received} while replaying. */
    private long position;
    private IOException failure;

    ExactLengthBody(InputStream body, long length) {
        this.in = body;
        this.length = length;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int count) throws IOException {
        if (count == 0) {
            return 0;
        }
        if (position == length) {
            return -1;
        }
        if (position < received) { // replaying what the window kept
            int n = (int) Math.min(count, received - position);
            System.arraycopy(kept, (int) position, buffer, offset, n);
            position += n;
            return n;
        }
        int n;
        try {
            n = in.read(buffer, offset, (int) Math.min(count, length - received));
        } catch (IOException e) {
            throw failed(e);
        }
        if (n < 0) {
            throw failed(new IOException("the body ended early"));
        }
        keep(buffer, offset, n);
        received += n;
        position = received;
        return n;
    }

    private void keep(byte[] buffer, int offset, int n) {
        if (received + n > REPLAY_WINDOW) {
            kept = null; // past the window: no replay any more
            return;
        }
        if (kept == null) {
            return;
        }
        int needed = (int) (received + n);
        if (needed > kept.length) {
            kept = Arrays.copyOf(kept, (int) Math.min(REPLAY_WINDOW, Math.max(needed, Math.min(length, 2L * kept.length + 8192))));
        }
        System.arraycopy(buffer, offset, kept, (int) received, n);
    }

    /**
     * Starts the body over for another attempt.
     *
     * @return false when more than the window was read already (then nothing can be sent again)
     */
    boolean rewind() {
        if (kept == null || failure != null) {
            return false;
        }
        position = 0;
        return true;
    }

    /** The body's own failure, as the storage reports it; {@code null} when the body was fine. */
    IncompleteUploadException failure() {
        return failure == null ? null : new IncompleteUploadException(received, length, failure);
    }

    private IOException failed(IOException e) {
        failure = e;
        return e;
    }

    /** The body is the servlet's: the container closes it. */
    @Override
    public void close() {
    }
}
