package io.github.httpupload.storage;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Where things live in a storage directory, and the guards that keep request text inside it.
 *
 * <pre>
 * files/&lt;h0h1&gt;/&lt;sha-256 of the slot path&gt;   a stored file: {@link FileHeader}, then the content
 * gone/&lt;h0h1&gt;/&lt;sha-256 of the slot path&gt;    a tombstone ({@link Tombstones})
 * tmp/&lt;uuid&gt;.part                          an upload in progress
 * </pre>
 * Only the hash of a slot path ever becomes a file name, so no path can reach outside the root;
 * the hash is injective for any practical purpose, so two slot paths never share a file.
 * Directories of the store replaced by symbolic links are refused, never followed.
 */
final class LocalLayout {

    private static final System.Logger LOG = System.getLogger(LocalLayout.class.getName());
    private static final String TEMP_SUFFIX = ".part";
    private static final Pattern TEMPORARY_NAME =
            Pattern.compile("(probe-)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.part");
    static final Pattern STORED_NAME = Pattern.compile("[0-9a-f]{64}");

    final Path root;
    final Path files;
    final Path tmp;
    final Path gone;

    private LocalLayout(Path root) throws IOException {
        this.root = root;
        this.files = Files.createDirectories(root.resolve("files"));
        this.tmp = Files.createDirectories(root.resolve("tmp"));
        this.gone = Files.createDirectories(root.resolve("gone"));
        requireRealDirectory(files);
        requireRealDirectory(tmp);
        requireRealDirectory(gone);
        createShards(files);
        createShards(gone);
    }

    /**
     * Creates (where needed) the directories and the 256 shards of each, and makes them durable
     * when {@code fsync}: not left to the first upload into each.
     */
    static LocalLayout create(Path root, boolean fsync) throws IOException {
        LocalLayout layout = new LocalLayout(root);
        if (fsync) {
            syncDirectory(layout.files);
            syncDirectory(layout.gone);
            syncDirectory(root);
        }
        return layout;
    }

    /** The hex SHA-256 of a slot path: its name on disk. */
    static String hash(String slotPath) {
        return StorageKey.of(slotPath);
    }

    Path stored(String hash) {
        return files.resolve(hash.substring(0, 2)).resolve(hash);
    }

    Path tombstone(String hash) {
        return gone.resolve(hash.substring(0, 2)).resolve(hash);
    }

    Path newTemporaryFile() {
        return tmp.resolve(UUID.randomUUID() + TEMP_SUFFIX);
    }

    /**
     * Proves the directory usable at start: a probe written in {@code tmp/} and hard-linked into
     * {@code files/}, so a read-only file system, one without hard links, or the two directories
     * on different mounts fail the deployment, not the first upload.
     */
    void probe() throws IOException {
        Path probe = tmp.resolve("probe-" + UUID.randomUUID() + TEMP_SUFFIX);
        Path probeLink = files.resolve(probe.getFileName().toString());
        try {
            Files.write(probe, new byte[] {1}, StandardOpenOption.CREATE_NEW);
            Files.createLink(probeLink, probe);
        } finally {
            Cleanup.delete(probeLink, null);
            Cleanup.delete(probe, null);
        }
    }

    /**
     * Proves {@code tmp/} writable and readable now: a few bytes written to a new probe file, read
     * back and compared, and the file deleted, also on failure. Only {@code tmp/}: no lookup, listing
     * or sweep looks there, and a probe a crash leaves behind is named like an unfinished upload,
     * so the next start deletes it. Locked while it exists, like an upload, so that another instance
     * starting on this directory does not delete it under the probe.
     */
    void probeTemporaryArea() throws IOException {
        if (isLink(tmp)) {
            throw new IOException("a storage directory was replaced by a symbolic link: " + tmp);
        }
        Path probe = tmp.resolve("probe-" + UUID.randomUUID() + TEMP_SUFFIX);
        byte[] written = probe.getFileName().toString().getBytes(StandardCharsets.US_ASCII);
        Throwable failure = null;
        try (FileChannel channel = FileChannel.open(probe, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE,
                StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            channel.lock(); // released when the channel closes
            ByteBuffer out = ByteBuffer.wrap(written);
            while (out.hasRemaining()) {
                channel.write(out, out.position());
            }
            ByteBuffer read = ByteBuffer.allocate(written.length + 1);
            while (read.hasRemaining() && channel.read(read, read.position()) >= 0) {
                // until the buffer is full or the file ends
            }
            if (!Arrays.equals(written, 0, written.length, read.array(), 0, read.position())) {
                throw new IOException("the probe file " + probe + " read back other bytes than were written");
            }
        } catch (IOException | RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            Cleanup.delete(probe, failure); // a random name: nothing but this probe is ever there
        }
    }

    /**
     * Deletes what uploads cut short by a crash left in {@code tmp/}: only regular files named like
     * ours, never following links, and never one whose writer still holds its lock — an upload in
     * progress on another instance over the same directory (a crashed writer's lock is gone).
     */
    void deleteTemporaryFiles() throws IOException {
        int deleted = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(tmp)) {
            for (Path entry : entries) {
                if (TEMPORARY_NAME.matcher(entry.getFileName().toString()).matches()
                        && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS) && deleteIfUnlocked(entry)) {
                    deleted++;
                }
            }
        }
        if (deleted > 0) {
            LOG.log(Level.INFO, "Deleted {0} unfinished upload(s) left in {1} by an earlier run", deleted, tmp);
        }
    }

    private static boolean deleteIfUnlocked(Path temporary) throws IOException {
        try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS);
             FileLock lock = channel.tryLock()) {
            if (lock == null) {
                return false; // another process is writing it
            }
            Files.delete(temporary);
            return true;
        } catch (OverlappingFileLockException e) {
            return false; // an instance in this JVM is writing it
        } catch (NoSuchFileException e) {
            return false; // published or abandoned meanwhile
        }
    }

    /** The shard directories of {@code parent} that are real directories (a planted link is never followed). */
    static List<Path> shards(Path parent) {
        List<Path> shards = new ArrayList<>(256);
        for (int shard = 0; shard < 256; shard++) {
            Path directory = parent.resolve(HexFormat.of().toHexDigits((byte) shard));
            if (Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
                shards.add(directory);
            }
        }
        return shards;
    }

    /**
     * Whether {@code path} is a symbolic link. Files are opened with NOFOLLOW_LINKS, which guards
     * only the last component; a directory of the store replaced by a link must not lead out.
     */
    static boolean isLink(Path path) {
        return Files.isSymbolicLink(path);
    }

    /**
     * Whether anything is at {@code path}; a symbolic link counts as what it points to. Used where
     * the answer is usually "nothing": JDK 17's {@code Files.exists} and {@code Files.isSymbolicLink}
     * create (and catch) a NoSuchFileException with its stack trace for every absent path, which was
     * the largest part of our own Java work per upload.
     */
    static boolean exists(Path path) {
        return path.toFile().exists();
    }

    /** Fails when the directory holding {@code file}, or {@code tmp/}, was replaced by a symbolic link. */
    void requireNoPlantedLink(Path file) throws IOException {
        if (isLink(tmp) || isLink(file.getParent())) {
            throw new IOException("a storage directory was replaced by a symbolic link: " + file.getParent() + " or " + tmp);
        }
    }

    /** Makes a new directory entry durable: on Linux an fsync of the directory itself. */
    static void syncDirectory(Path directory) throws IOException {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    private static void createShards(Path parent) throws IOException {
        for (int shard = 0; shard < 256; shard++) {
            Path directory = parent.resolve(HexFormat.of().toHexDigits((byte) shard));
            Files.createDirectories(directory);
            requireRealDirectory(directory);
        }
    }

    private static void requireRealDirectory(Path directory) throws IOException {
        if (isLink(directory) || !Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(directory + " must be a directory, not a symbolic link");
        }
    }

    @Override
    public String toString() {
        return root.toString();
    }
}
