package io.github.httpupload.storage;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.time.Instant;
import java.util.Optional;

/**
 * A stored file, as the web layer sees it: its metadata and a way to stream any part of its
 * content. Immutable and holding no open resource, so it can be cached and shared between requests.
 */
public interface StoredObject {

    /** The decoded slot path it was uploaded to; its last segment is the original file name. */
    String slotPath();

    String contentType();

    Instant storedAt();

    /** Content length in bytes. */
    long size();

    /** When the service deletes it (its own expiry or {@code expireAfter} after upload); empty for never. */
    Optional<Instant> deleteAt();

    /** Who uploaded it (a Bearer token's {@code sub}), when the token said. */
    Optional<String> uploader();

    /** Writes content bytes {@code start} (inclusive) to {@code end} (exclusive) to {@code out}, in constant memory. */
    void writeTo(OutputStream out, long start, long end) throws IOException;

    /**
     * Where the content lies in a local file, for a container's zero-copy sendfile; empty when the
     * content is better written by {@link #writeTo} (held in memory, or not in a local file at all).
     */
    default Optional<FileRegion> fileRegion() {
        return Optional.empty();
    }

    /**
     * A URL where a client fetches the content straight from the store, answering with its
     * {@link #contentType()} and the given {@code Content-Disposition}; empty when downloads go
     * through the service (the default, and the local directory's only way).
     */
    default Optional<URI> directDownload(String contentDisposition) {
        return Optional.empty();
    }

    /** A stored file's content as a region of a local file: content byte 0 is at {@code offset}. */
    record FileRegion(String absolutePath, long offset) {
    }
}
