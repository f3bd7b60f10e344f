package io.github.httpupload.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Instant;

/**
 * An open stored file: its metadata and its content. The content starts at {@link #contentOffset()}
 * in the file on disk; its first bytes, read together with the header, are at hand in
 * {@link #prefetched()} (for a small file, all of it, and no file stays open). Close it when done.
 */
public final class StoredFile implements Closeable {

    private final Path path;
    private final FileChannel channel;
    private final FileHeader header;
    private final long size;
    private final ByteBuffer prefetched;

    StoredFile(Path path, FileChannel channel, FileHeader header, long fileSize, ByteBuffer prefetched) {
        this.path = path;
        this.channel = channel;
        this.header = header;
        this.size = fileSize - header.length();
        this.prefetched = prefetched.slice();
    }

    /** The slot path it was uploaded to; its last segment is the original file name. */
    public String slotPath() {
        return header.slotPath();
    }

    public String contentType() {
        return header.contentType();
    }

    public Instant storedAt() {
        return header.storedAt();
    }

    /** Content length in bytes. */
    public long size() {
        return size;
    }

    /** Where the content starts in the file on disk. */
    public long contentOffset() {
        return header.length();
    }

    /**
     * The content's first bytes, already read with the header (for a small file, all of it): the
     * buffer's position 0 is content byte 0. A fresh view on every call; do not write into it.
     */
    public ByteBuffer prefetched() {
        return prefetched.duplicate();
    }

    /** Where the file lives, for zero-copy serving by the container (Tomcat's sendfile). */
    public Path path() {
        return path;
    }

    /**
     * Reads content bytes from content position {@code position} (0 is the first content byte)
     * into {@code target}, from memory where they were prefetched, else from the file.
     *
     * @return the number of bytes read, or -1 at the end of the content
     */
    public int read(ByteBuffer target, long position) throws IOException {
        if (position >= size) {
            return -1;
        }
        if (position < prefetched.limit()) {
            ByteBuffer from = prefetched.duplicate().position((int) position);
            int count = Math.min(from.remaining(), target.remaining());
            target.put(from.limit(from.position() + count));
            return count;
        }
        return channel.read(target, header.length() + position);
    }

    /** Closes the channel; a small file served from memory has none, and may be shared. */
    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
        }
    }
}
