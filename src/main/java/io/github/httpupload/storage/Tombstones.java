package io.github.httpupload.storage;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
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

    private final Path root;
    /** {@code null}: kept forever. */
    private final Duration retention;

    Tombstones(Path root, Duration retention) {
        this.root = root;
        this.retention = retention;
    }

    /** Whether deleted files are remembered at all (a retention of zero turns it off). */
    boolean enabled() {
        return retention == null || !retention.isZero();
    }

    boolean contains(String hash) {
        return enabled() && Files.exists(location(hash), LinkOption.NOFOLLOW_LINKS);
    }

    /** Records {@code hash} as deleted now; the directory entry is synced when {@code fsync}. */
    void add(String hash, Instant now, boolean fsync) throws IOException {
        if (!enabled()) {
            return;
        }
        Path tombstone = location(hash);
        if (Files.isSymbolicLink(tombstone.getParent())) {
            throw new IOException("a storage directory was replaced by a symbolic link: " + tombstone.getParent());
        }
        try (FileChannel ignored = FileChannel.open(tombstone, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                LinkOption.NOFOLLOW_LINKS)) {
            // created, or already there from an earlier deletion
        }
        Files.setLastModifiedTime(tombstone, FileTime.from(now));
        if (fsync) {
            FileStore.syncDirectory(tombstone.getParent());
        }
    }

    /** Deletes the records older than the retention; returns how many. */
    int purge(Instant now) throws IOException {
        if (retention == null || !enabled()) {
            return 0;
        }
        FileTime cutoff = FileTime.from(now.minus(retention));
        int purged = 0;
        for (Path shard : FileStore.shards(root)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(shard)) {
                for (Path entry : entries) {
                    if (Thread.currentThread().isInterrupted()) {
                        throw new InterruptedIOException("tombstone purge interrupted");
                    }
                    BasicFileAttributes attributes = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                    if (attributes.isRegularFile() && attributes.lastModifiedTime().compareTo(cutoff) < 0) {
                        Files.deleteIfExists(entry);
                        purged++;
                    }
                }
            }
        }
        return purged;
    }

    private Path location(String hash) {
        return root.resolve(hash.substring(0, 2)).resolve(hash);
    }
}
