package io.github.httpupload.storage;

import java.io.IOException;
import java.io.InputStream;
import java.util.Optional;

/**
 * Where uploaded files are kept, addressed by their slot path; the only storage type the web layer
 * sees. Every implementation keeps the same promises: a stored file is never replaced, nothing
 * partial is ever visible, a file past its deletion time is gone at once (the sweep only reclaims
 * space), and a deleted file's path is remembered for the tombstone retention. Thread-safe; opened
 * and closed by the webapp's listener.
 *
 * <p>Implementations: {@link LocalStorage} (a directory), wrapped by {@link CachingStorage}.
 */
public interface Storage extends AutoCloseable {

    /**
     * Stores exactly {@code file.length()} bytes of {@code body}. Every refusal but an incomplete
     * body comes before the first byte is read.
     *
     * @throws AlreadyStoredException    a file is stored there already (it is left untouched)
     * @throws FileDeletedException      a file stored there was deleted or expired, and that is remembered
     * @throws StorageFullException      the file would break a storage limit, or the storage filled up
     * @throws IncompleteUploadException the body ended or failed before {@code length} bytes
     * @throws IOException               the storage failed; nothing was stored
     */
    void store(NewFile file, InputStream body) throws IOException;

    /** What is stored under {@code path}: a file, the memory of a deleted one, or nothing. */
    Lookup open(io.github.httpupload.auth.SlotPath path) throws IOException;

    /**
     * Deletes the file stored under {@code path}, remembering the deletion first (unless
     * tombstones are off). A file past its deletion time counts as deleted already.
     *
     * @return whether there was a live file to delete
     */
    boolean delete(io.github.httpupload.auth.SlotPath path) throws IOException;

    /**
     * Deletes every file past its deletion time and forgets tombstones past their retention. A
     * file that cannot be read or deleted is logged and skipped.
     *
     * @throws java.io.InterruptedIOException the thread was interrupted (the webapp is stopping)
     */
    SweepResult sweep() throws IOException;

    /**
     * Proves, with the cheapest real call, that the storage can be used now: never throws, a
     * failure is the answer. Leaves nothing behind that any lookup, listing or sweep could see.
     * Each call costs a storage operation: callers rate-limit it ({@link HealthCheck}).
     */
    StorageHealth checkHealth();

    /**
     * How many files and bytes are stored now, when the store keeps that count itself (the local
     * directory: its quota's count, headers included). Empty when only a listing can tell (S3): then
     * a sweep's {@link SweepResult#kept()} and {@link SweepResult#keptBytes()} are the latest count.
     */
    default Optional<Totals> liveTotals() {
        return Optional.empty();
    }

    @Override
    void close() throws IOException;

    /** Files and the bytes they take in the store. */
    record Totals(long files, long bytes) {
    }

    /** What one {@link #sweep} did. */
    record SweepResult(int deleted, long deletedBytes, int tombstonesPurged, int kept, long keptBytes) {
    }
}
