package io.github.httpupload.storage.s3;

import io.github.httpupload.storage.IncompleteUploadException;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * An upload body as the SDK reads it: exactly {@code length} bytes, and an early end is an
 * error (so the request to the store fails and nothing is stored), never a short object. Keeps
 * the client-side failure, which the SDK wraps in its own exceptions.
 */
final class ExactLengthBody extends FilterInputStream {

    private final long length;
    private long received;
    private IOException failure;

    ExactLengthBody(InputStream body, long length) {
        super(body);
        this.length = length;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int count) throws IOException {
        if (received == length) {
            return -1;
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
        received += n;
        return n;
    }

    @Override
    public long skip(long n) {
        return 0;
    }

    @Override
    public boolean markSupported() {
        return false;
    }

    /** How many bytes the store has taken so far. */
    long received() {
        return received;
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
