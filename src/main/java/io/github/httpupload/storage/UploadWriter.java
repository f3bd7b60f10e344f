package io.github.httpupload.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/** Copies an upload body into a file, in constant memory for any size. */
final class UploadWriter {

    private static final int BUFFER_SIZE = 64 * 1024;

    private UploadWriter() {
    }

    /**
     * Writes the header and exactly {@code length} body bytes through one buffer, in whole 64 KiB
     * blocks at 64 KiB-aligned offsets, however small the pieces the container hands out: few
     * write calls, and whole pages for the page cache.
     *
     * @throws IncompleteUploadException the body ended or failed before {@code length} bytes
     */
    static void write(byte[] header, InputStream body, FileChannel out, long length) throws IOException {
        byte[] buffer = new byte[(header.length / BUFFER_SIZE + 1) * BUFFER_SIZE];
        System.arraycopy(header, 0, buffer, 0, header.length);
        int filled = header.length;
        long remaining = length;
        while (remaining > 0) {
            int read;
            try {
                read = body.read(buffer, filled, (int) Math.min(buffer.length - filled, remaining));
            } catch (IOException e) {
                throw new IncompleteUploadException(length - remaining, length, e);
            }
            if (read < 0) {
                throw new IncompleteUploadException(length - remaining, length, null);
            }
            filled += read;
            remaining -= read;
            if (filled == buffer.length) {
                writeFully(out, ByteBuffer.wrap(buffer));
                filled = 0;
            }
        }
        writeFully(out, ByteBuffer.wrap(buffer, 0, filled));
    }

    private static void writeFully(FileChannel out, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            out.write(bytes);
        }
    }
}
