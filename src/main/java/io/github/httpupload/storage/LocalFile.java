package io.github.httpupload.storage;

import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Optional;

/**
 * A file stored by {@link LocalStorage}: its header, and its content — all of it in memory for a
 * small file (read with the header), else read from disk when written out, or sent by the
 * container from the {@link #fileRegion() file region}.
 */
final class LocalFile implements StoredObject {

    private final Path path;
    private final FileHeader header;
    private final long size;
    private final ByteBuffer prefetched;
    private final Instant deleteAt;

    /** @param prefetched the first content bytes, read with the header (all of them for a small file) */
    LocalFile(Path path, FileHeader header, long fileSize, ByteBuffer prefetched, Instant deleteAt) {
        this.path = path;
        this.header = header;
        this.size = fileSize - header.length();
        this.prefetched = prefetched.slice(); // a heap buffer, never written: its array is written out as it is
        this.deleteAt = deleteAt;
    }

    @Override
    public String slotPath() {
        return header.slotPath();
    }

    @Override
    public String contentType() {
        return header.contentType();
    }

    @Override
    public Instant storedAt() {
        return header.storedAt();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public Optional<Instant> deleteAt() {
        return Optional.ofNullable(deleteAt);
    }

    @Override
    public Optional<String> uploader() {
        return Optional.ofNullable(header.uploader());
    }

    /** Empty for a small file: its content is in memory, and writing it costs less than a sendfile. */
    @Override
    public Optional<FileRegion> fileRegion() {
        return prefetched.limit() >= size ? Optional.empty()
                : Optional.of(new FileRegion(path.toAbsolutePath().toString(), header.length()));
    }

    @Override
    public void writeTo(OutputStream out, long start, long end) throws IOException {
        if (end <= prefetched.limit()) {
            out.write(prefetched.array(), prefetched.arrayOffset() + (int) start, (int) (end - start));
            return;
        }
        byte[] buffer = CopyBuffers.take();
        try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            ByteBuffer wrapped = ByteBuffer.wrap(buffer);
            for (long position = start; position < end; ) {
                wrapped.clear().limit((int) Math.min(buffer.length, end - position));
                int read = channel.read(wrapped, header.length() + position);
                if (read < 0) {
                    throw new EOFException("stored file ended early: " + path);
                }
                out.write(buffer, 0, read);
                position += read;
            }
        } finally {
            CopyBuffers.give(buffer);
        }
    }
}
