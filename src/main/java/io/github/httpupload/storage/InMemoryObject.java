package io.github.httpupload.storage;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.time.Instant;
import java.util.Optional;

/** A small stored file with its whole content in memory, as {@link CachingStorage} keeps it. */
final class InMemoryObject implements StoredObject {

    private final StoredObject stored;
    private final byte[] content;

    private InMemoryObject(StoredObject stored, byte[] content) {
        this.stored = stored;
        this.content = content;
    }

    /** Reads all of {@code stored}'s content once. */
    static InMemoryObject copyOf(StoredObject stored) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream((int) stored.size());
        stored.writeTo(bytes, 0, stored.size());
        return new InMemoryObject(stored, bytes.toByteArray());
    }

    int contentBytes() {
        return content.length;
    }

    @Override
    public String slotPath() {
        return stored.slotPath();
    }

    @Override
    public String contentType() {
        return stored.contentType();
    }

    @Override
    public Instant storedAt() {
        return stored.storedAt();
    }

    @Override
    public long size() {
        return content.length;
    }

    @Override
    public Optional<Instant> deleteAt() {
        return stored.deleteAt();
    }

    @Override
    public Optional<String> uploader() {
        return stored.uploader();
    }

    @Override
    public Optional<URI> directDownload(String contentDisposition) {
        return stored.directDownload(contentDisposition);
    }

    @Override
    public void writeTo(OutputStream out, long start, long end) throws IOException {
        out.write(content, (int) start, (int) (end - start));
    }
}
