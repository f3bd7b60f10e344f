package io.github.httpupload.storage;

import java.time.Duration;

/**
 * How a {@link FileStore} keeps files.
 *
 * @param fsync              sync every upload (file and directory) before it counts as stored
 * @param maxStorageSize     bytes all stored files may take together, headers included ({@link Long#MAX_VALUE}: no limit)
 * @param minFreeSpace       bytes the file system must keep free after any upload
 * @param expireAfter        how long files are kept after their upload, or {@code null} for no limit
 * @param tombstoneRetention how long a deleted file's slot path is remembered (answering 410),
 *                           {@code null} for forever, zero for not at all
 */
public record StoreOptions(boolean fsync, long maxStorageSize, long minFreeSpace, Duration expireAfter,
                           Duration tombstoneRetention) {

    /** Synced, unlimited, files and tombstones kept forever. */
    public static StoreOptions defaults() {
        return new StoreOptions(true, Long.MAX_VALUE, 0, null, null);
    }

    public StoreOptions withFsync(boolean value) {
        return new StoreOptions(value, maxStorageSize, minFreeSpace, expireAfter, tombstoneRetention);
    }

    public StoreOptions withLimits(long maxStorageSizeValue, long minFreeSpaceValue) {
        return new StoreOptions(fsync, maxStorageSizeValue, minFreeSpaceValue, expireAfter, tombstoneRetention);
    }

    public StoreOptions withRetention(Duration expireAfterValue, Duration tombstoneRetentionValue) {
        return new StoreOptions(fsync, maxStorageSize, minFreeSpace, expireAfterValue, tombstoneRetentionValue);
    }
}
