package io.github.httpupload.storage;

import java.io.IOException;

/**
 * Admits an upload only when it fits both limits — the total stored ({@code maxStorageSize}) and
 * the space the disk must keep free ({@code minFreeSpace}) — counting uploads still in flight as if
 * they were complete, so that concurrent uploads cannot each pass the check and together break it.
 * Decided before the body is read. Deliberately conservative: an upload half written counts twice
 * against free space (in what the disk reports and in what is in flight).
 */
final class StorageQuota {

    private final long maxStorageSize;
    private final long minFreeSpace;
    /** The file system of the store: asking it for free space is one statvfs. */
    private final java.nio.file.FileStore volume;
    private long stored;
    private long inFlight;
    /** Bytes published while a recount walks the store: the walk may miss them. */
    private long publishedDuringCount;
    private boolean counting;

    StorageQuota(long maxStorageSize, long minFreeSpace, java.nio.file.FileStore volume, long stored) {
        this.maxStorageSize = maxStorageSize;
        this.minFreeSpace = minFreeSpace;
        this.volume = volume;
        this.stored = stored;
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
            if (counting) {
                publishedDuringCount += bytes;
            }
        }
    }

    /** A stored file of {@code bytes} was deleted. */
    synchronized void removed(long bytes) {
        stored = Math.max(0, stored - bytes);
    }

    /** A recount starts: uploads published from now on are added to what it finds. */
    synchronized void countStarts() {
        counting = true;
        publishedDuringCount = 0;
    }

    /**
     * A walk of the store found {@code bytes}: that becomes the total, which also forgets files
     * deleted behind the service's back. What was published meanwhile is added; if the walk saw
     * it too it counts twice until the next recount, which errs on the safe side.
     */
    synchronized void countEnds(long bytes) {
        counting = false;
        stored = bytes + publishedDuringCount;
    }

    synchronized long stored() {
        return stored;
    }
}
