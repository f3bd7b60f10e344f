package io.github.httpupload.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Instant;

/**
 * An open stored file: its metadata and a channel to read its content from. The content starts at
 * {@link #contentOffset()} in the channel; its first bytes, read together with the header, are at
 * hand in {@link #prefetched()}. Close the file when done.
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

    /** Where the content starts in {@link #channel()}. */
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

    public FileChannel channel() {
        return channel;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
