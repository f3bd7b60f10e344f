package io.github.httpupload.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.time.Instant;

/**
 * An open stored file: its metadata and a channel to read its content from. The content starts at
 * {@link #contentOffset()} in the channel; close the file when done.
 */
public final class StoredFile implements Closeable {

    private final Path path;
    private final FileChannel channel;
    private final FileHeader header;
    private final long size;

    StoredFile(Path path, FileChannel channel, FileHeader header) throws IOException {
        this.path = path;
        this.channel = channel;
        this.header = header;
        this.size = channel.size() - header.length();
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
