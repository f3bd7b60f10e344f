package io.github.httpupload.storage;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;

/**
 * A stored file, for one request: its metadata and its content. A small file's content is in
 * memory ({@link #prefetched()}); a larger one is read from disk, opened only when {@link #read}
 * first needs it (a container's sendfile reads the file itself). Close it when done.
 */
public final class StoredFile implements Closeable {

    private final Path path;
    private final FileHeader header;
    private final long size;
    private final ByteBuffer prefetched;
    private final Instant deleteAt;
    private FileChannel channel;

    StoredFile(Path path, StoredFileCache.Entry entry, Instant deleteAt) {
        this.deleteAt = deleteAt;
        this.path = path;
        this.header = entry.header();
        this.size = entry.fileSize() - header.length();
        this.prefetched = entry.content().duplicate();
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

    /** When the XMPP server asked for the file to be deleted (a Bearer token's {@code expires}). */
    public Optional<Instant> expiresAt() {
        return Optional.ofNullable(header.expiresAt());
    }

    /**
     * When the service will delete it: its own expiry or {@code expireAfter} after its upload,
     * whichever comes first (the sweep may come up to one interval later); empty for never.
     */
    public Optional<Instant> deleteAt() {
        return Optional.ofNullable(deleteAt);
    }

    /** Who uploaded it (a Bearer token's {@code sub}), when the token said. */
    public Optional<String> uploader() {
        return Optional.ofNullable(header.uploader());
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
     * The content held in memory: all of it for a small file, else nothing. Position 0 is content
     * byte 0. A fresh view on every call; do not write into it (it is shared between requests).
     */
    public ByteBuffer prefetched() {
        return prefetched.duplicate();
    }

    /**
     * Reads content bytes from content position {@code position} (0 is the first content byte)
     * into {@code target}, from memory where they are held, else from the file.
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
        if (channel == null) {
            channel = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS);
        }
        return channel.read(target, header.length() + position);
    }

    /** Where the file lives, for zero-copy serving by the container (Tomcat's sendfile). */
    public Path path() {
        return path;
    }

    @Override
    public void close() throws IOException {
        if (channel != null) {
            channel.close();
        }
    }
}
