package io.github.httpupload.storage;

import java.io.IOException;

/**
 * Admits an upload only when it fits both limits — the total stored ({@code maxStorageSize}) and
 * the space the disk must keep free ({@code minFreeSpace}) — counting uploads still in flight as if
 * they were complete, so that concurrent uploads cannot each pass the check and together break it.
 * Decided before the body is read. Deliberately conservative: an upload half written counts twice
 * against free space (in what the disk reports and in what is in flight).
 *
 * <p>The total is counted once, when the store opens, and then kept exact by the store's own
 * uploads and deletions. A file deleted behind the service's back stays counted until the next
 * start: a recount while uploads go on would be off by whatever is published meanwhile.
 */
final class StorageQuota {

    private final long maxStorageSize;
    private final long minFreeSpace;
    /** The file system of the store: asking it for free space is one statvfs. */
    private final java.nio.file.FileStore volume;
    private long stored;
    /** How many files {@link #stored} is made of: kept alongside it for the metrics, never limited. */
    private long storedFiles;
    private long inFlight;

    StorageQuota(long maxStorageSize, long minFreeSpace, java.nio.file.FileStore volume, Storage.Totals stored) {
        this.maxStorageSize = maxStorageSize;
        this.minFreeSpace = minFreeSpace;
        this.volume = volume;
        this.stored = stored.bytes();
        this.storedFiles = stored.files();
    }

    /** Reserves {@code bytes} for an upload, or refuses it; {@link #release} must follow. */
    synchronized void reserve(long bytes) throws IOException {
        if (stored + inFlight > maxStorageSize - bytes) {
            throw new StorageFullException("the storage limit of " + maxStorageSize + " bytes would be exceeded ("
                    + stored + " stored, " + inFlight + " being uploaded, " + bytes + " asked for)", null);
        }
        long free = volume.getUsableSpace() - inFlight;
        if (free - bytes < minFreeSpace) {
            throw new StorageFullException("not enough free space for " + bytes + " bytes (" + free + " free, "
                    + minFreeSpace + " to keep free)", null);
        }
        inFlight += bytes;
    }

    /** Ends a reservation: the upload was published ({@code stored}) or abandoned. */
    synchronized void release(long bytes, boolean published) {
        inFlight -= bytes;
        if (published) {
            stored += bytes;
            storedFiles++;
        }
    }

    /** A stored file of {@code bytes} was deleted. */
    synchronized void removed(long bytes) {
        stored = Math.max(0, stored - bytes);
        storedFiles = Math.max(0, storedFiles - 1);
    }

    synchronized long stored() {
        return stored;
    }

    synchronized Storage.Totals totals() {
        return new Storage.Totals(storedFiles, stored);
    }

    /**
     * Whether a write that failed while {@code bytes} were to be written failed because the file
     * system is full: it has less usable space left than that. Decided by the space, not by the
     * error's text, which the C library translates (and the JDK exposes no errno).
     */
    boolean explainsFailure(long bytes) {
        try {
            return volume.getUsableSpace() < bytes;
        } catch (IOException e) {
            return false;
        }
    }
}
