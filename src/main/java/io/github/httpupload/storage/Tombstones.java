package io.github.httpupload.storage;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;

/**
 * The record of deleted slot paths: one empty file {@code gone/<h0h1>/<sha-256 of the path>} per
 * deleted file, its modification time the deletion time. Query-token URLs never expire, so without
 * it a replayed PUT URL would upload again where a file was deleted. It keeps no file name (only
 * the hash), costs one inode each, and survives restarts without being loaded into memory.
 */
final class Tombstones {

    private final LocalLayout layout;
    /** {@code null}: kept forever. */
    private final Duration retention;

    Tombstones(LocalLayout layout, Duration retention) {
        this.layout = layout;
        this.retention = retention;
    }

    /** Whether deleted files are remembered at all (a retention of zero turns it off). */
    boolean enabled() {
        return retention == null || !retention.isZero();
    }

    boolean contains(String hash) {
        return enabled() && LocalLayout.exists(layout.tombstone(hash));
    }

    /** Records {@code hash} as deleted at {@code now}; the directory entry is synced when {@code fsync}. */
    void add(String hash, Instant now, boolean fsync) throws IOException {
        if (!enabled()) {
            return;
        }
        Path tombstone = layout.tombstone(hash);
        if (LocalLayout.isLink(tombstone.getParent())) {
            throw new IOException("a storage directory was replaced by a symbolic link: " + tombstone.getParent());
        }
        try (FileChannel ignored = FileChannel.open(tombstone, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            // created, or already there from an earlier deletion
        }
        Files.setLastModifiedTime(tombstone, FileTime.from(now));
        if (fsync) {
            LocalLayout.syncDirectory(tombstone.getParent());
        }
    }

    /** Deletes the records older than the retention; one that cannot be deleted is logged and skipped. */
    int purge(Instant now) throws IOException {
        if (retention == null || !enabled()) {
            return 0;
        }
        FileTime cutoff = FileTime.from(now.minus(retention));
        int[] purged = {0};
        ShardWalk.walk(layout.gone, (entry, hash, attributes) -> {
            if (attributes.lastModifiedTime().compareTo(cutoff) < 0) {
                if (Files.deleteIfExists(entry)) { // false: another instance's sweep purged it first
                    purged[0]++;
                }
            }
        });
        return purged[0];
    }
}
