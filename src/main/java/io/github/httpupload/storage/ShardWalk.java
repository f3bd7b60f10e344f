package io.github.httpupload.storage;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.lang.System.Logger.Level;
import java.nio.channels.ClosedByInterruptException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * The one walk over the 256 shards of {@code files/} or {@code gone/}, shared by the sweep, the
 * start-up count and the tombstone purge. It visits the regular files named like a SHA-256, never
 * follows a link, and skips (and logs) an entry whose visit fails: one bad file never stops the
 * others. It stops at once when the thread is interrupted (the webapp is stopping).
 */
final class ShardWalk {

    private static final System.Logger LOG = System.getLogger(ShardWalk.class.getName());

    /** What is done with each entry. */
    interface Visitor {
        void visit(Path entry, String hash, BasicFileAttributes attributes) throws IOException;
    }

    private ShardWalk() {
    }

    /** @return how many entries were skipped because their visit failed */
    static int walk(Path parent, Visitor visitor) throws IOException {
        int failed = 0;
        for (Path shard : LocalLayout.shards(parent)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(shard)) {
                for (Path entry : entries) {
                    if (Thread.currentThread().isInterrupted()) {
                        throw new InterruptedIOException("walk of " + parent + " interrupted");
                    }
                    String name = entry.getFileName().toString();
                    if (!LocalLayout.STORED_NAME.matcher(name).matches()) {
                        continue;
                    }
                    try {
                        BasicFileAttributes attributes = Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                        if (attributes.isRegularFile()) {
                            visitor.visit(entry, name, attributes);
                        }
                    } catch (NoSuchFileException e) {
                        // deleted meanwhile
                    } catch (ClosedByInterruptException | InterruptedIOException e) {
                        throw e;
                    } catch (IOException | RuntimeException e) {
                        failed++;
                        LOG.log(Level.WARNING, "Skipping {0}: {1}", entry, e.toString());
                    }
                }
            }
        }
        return failed;
    }
}
