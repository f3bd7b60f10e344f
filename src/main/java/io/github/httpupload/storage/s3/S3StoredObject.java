package io.github.httpupload.storage.s3;

import io.github.httpupload.storage.StoredObject;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.time.Instant;
import java.util.Optional;

/**
 * A stored object's metadata (from one HEAD) and the way to its bytes: a ranged GET of exactly
 * the version that was looked at ({@code If-Match} its ETag), so a response never mixes two objects.
 */
final class S3StoredObject implements StoredObject {

    private final S3Storage storage;
    private final String key;
    private final String eTag;
    private final S3Metadata metadata;
    private final long size;
    private final Optional<Instant> deleteAt;

    S3StoredObject(S3Storage storage, String key, String eTag, S3Metadata metadata, long size, Optional<Instant> deleteAt) {
        this.storage = storage;
        this.key = key;
        this.eTag = eTag;
        this.metadata = metadata;
        this.size = size;
        this.deleteAt = deleteAt;
    }

    @Override
    public String slotPath() {
        return metadata.slotPath();
    }

    @Override
    public String contentType() {
        return metadata.contentType();
    }

    @Override
    public Instant storedAt() {
        return metadata.storedAt();
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public Optional<Instant> deleteAt() {
        return deleteAt;
    }

    @Override
    public Optional<String> uploader() {
        return metadata.uploader();
    }

    @Override
    public void writeTo(OutputStream out, long start, long end) throws IOException {
        if (end > start) {
            storage.copyRange(key, eTag, start, end, out);
        }
    }

    @Override
    public Optional<URI> directDownload(String contentDisposition) {
        return storage.presignedDownload(key, deleteAt, contentType(), contentDisposition);
    }

    String key() {
        return key;
    }
}
