package io.github.httpupload.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

/**
 * Files on local disk, addressed by their slot path. Knows nothing about HTTP.
 *
 * <p>Layout under the root: {@code files/<h0h1>/<sha-256 of the slot path>} holds a
 * {@link FileHeader} followed by the content; {@code tmp/} holds uploads in progress;
 * {@code gone/<h0h1>/<sha-256>} remembers deleted files ({@link Tombstones}). Request text never
 * becomes a file name (only its hash does), so no slot path can reach outside the root.
 *
 * <p>{@link #sweep} deletes expired files; {@link ExpirySweeper} calls it periodically.
 *
 * <p>An upload is streamed to {@code tmp/}, its length checked, synced (when {@code fsync} is on),
 * then published with a hard link: {@code link(2)} fails when the name exists, so the first upload
 * is never replaced and of two racing uploads exactly one wins. {@code rename(2)} would silently
 * replace.
 */
public final class FileStore {

    private static final int BUFFER_SIZE = 64 * 1024;
    /** The header of a large file is read in one page (a longer one is read on). */
    private static final int HEADER_READ = FileHeader.ALIGNMENT;
    /** Files up to this size (header included) are read whole and served from memory. */
    static final int SMALL_FILE = 64 * 1024;
    private static final long CACHE_BYTES = 32L * 1024 * 1024;
    private static final long CACHE_TTL_NANOS = 5_000_000_000L;
    private static final MessageDigest SHA_256 = sha256();
    private static final String TEMP_SUFFIX = ".part";
    private static final Pattern TEMPORARY_NAME =
            Pattern.compile("(probe-)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.part");
    private static final System.Logger LOG = System.getLogger(FileStore.class.getName());

    private static final Pattern STORED_NAME = Pattern.compile("[0-9a-f]{64}");

    private final Path root;
    private final Path files;
    private final Path tmp;
    private final Path gone;
    private final StoreOptions options;
    private final Tombstones tombstones;
    private final StorageQuota quota;
    private final StoredFileCache cache = new StoredFileCache(CACHE_BYTES, CACHE_TTL_NANOS);
    /** Counts deletions, so that a lookup racing a deletion does not cache the deleted file. */
    private final AtomicLong deletions = new AtomicLong();

    private FileStore(Path root, StoreOptions options) throws IOException {
        this.root = root;
        this.files = Files.createDirectories(root.resolve("files"));
        this.tmp = Files.createDirectories(root.resolve("tmp"));
        this.gone = Files.createDirectories(root.resolve("gone"));
        this.options = options;
        this.tombstones = new Tombstones(gone, options.tombstoneRetention());
        requireRealDirectory(files);
        requireRealDirectory(tmp);
        requireRealDirectory(gone);
        createShards(files);
        createShards(gone);
        // The file system of tmp/ and files/, looked up once: asking for free space is then one statvfs.
        this.quota = new StorageQuota(options.maxStorageSize(), options.minFreeSpace(), Files.getFileStore(tmp), countStored());
    }

    /**
     * Opens (creating if needed) the store at {@code root} and proves it usable: a probe file is
     * written in {@code tmp/} and hard-linked into {@code files/}, so a read-only file system, one
     * without hard links, or the two directories on different mounts fail here, at start. The 256
     * shard directories are created (and made durable) here too, not by the first upload into each.
     */
    public static FileStore open(Path root, StoreOptions options) throws IOException {
        FileStore store = new FileStore(root, options);
        if (options.fsync()) {
            syncDirectory(store.files);
            syncDirectory(store.gone);
            syncDirectory(root);
        }
        store.sweepTemporaryFiles();
        Path probe = store.tmp.resolve("probe-" + UUID.randomUUID() + TEMP_SUFFIX);
        Path probeLink = store.files.resolve(probe.getFileName().toString());
        try {
            Files.write(probe, new byte[] {1}, StandardOpenOption.CREATE_NEW);
            Files.createLink(probeLink, probe);
        } finally {
            Files.deleteIfExists(probeLink);
            Files.deleteIfExists(probe);
        }
        return store;
    }

    /**
     * The file stored under {@code slotPath}, if there is one; close it when done. Its header (and
     * a small file's content) come from the cache or from one read, after which the file is closed.
     */
    public Optional<StoredFile> open(String slotPath) throws IOException {
        StoredFileCache.Entry entry = cache.get(slotPath);
        Path location = location(hash(slotPath));
        if (entry == null) {
            long deletionsBefore = deletions.get();
            if (isLink(location.getParent()) || isLink(location)) {
                LOG.log(System.Logger.Level.WARNING, "Not following a symbolic link planted in the storage: {0}", location);
                return Optional.empty();
            }
            try (FileChannel channel = FileChannel.open(location, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
                long fileSize = channel.size();
                boolean small = fileSize <= SMALL_FILE;
                ByteBuffer first = FileHeader.readAt(channel, (int) Math.min(small ? SMALL_FILE : HEADER_READ, fileSize));
                FileHeader header = FileHeader.read(channel, first);
                small &= first.remaining() >= fileSize - header.length(); // else an unusually long header
                entry = cache.put(slotPath, header, fileSize, small ? first.slice() : ByteBuffer.allocate(0));
                // A deletion since the read may have removed the entry before it was put: drop it.
                // (This request still serves what it read; it was there when the request came.)
                if (deletions.get() != deletionsBefore) {
                    cache.remove(slotPath);
                }
            } catch (NoSuchFileException e) {
                return Optional.empty();
            }
        }
        return Optional.of(new StoredFile(location, entry, deleteAt(entry.header())));
    }

    /** Whether a file stored under {@code slotPath} was deleted and is still remembered (its URLs answer 410). */
    public boolean wasDeleted(String slotPath) {
        return tombstones.contains(hash(slotPath));
    }

    /** How many bytes the stored files take, headers included, as far as this store knows. */
    public long storedBytes() {
        return quota.stored();
    }

    /**
     * Stores exactly {@code file.length()} bytes of {@code body} under {@code file.slotPath()}.
     * Every refusal but an incomplete body comes before the first byte is read.
     *
     * @throws AlreadyStoredException    a file is stored there already (it is left untouched)
     * @throws FileDeletedException      a file stored there was deleted, and that is remembered
     * @throws StorageFullException      the file would break {@code maxStorageSize} or {@code minFreeSpace}, or the disk filled up
     * @throws IncompleteUploadException the body ended or failed before {@code length} bytes
     * @throws IOException               the disk failed; nothing was stored
     */
    public void store(NewFile file, InputStream body) throws IOException {
        String hash = hash(file.slotPath());
        Path target = location(hash);
        if (Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new AlreadyStoredException(); // cheap early answer; the link below is the real guard
        }
        if (tombstones.contains(hash)) {
            throw new FileDeletedException();
        }
        if (isLink(tmp) || isLink(target.getParent())) {
            throw new IOException("a storage directory was replaced by a symbolic link: " + target.getParent() + " or " + tmp);
        }
        byte[] header = FileHeader.encode(file, Instant.now());
        long size = header.length + file.length();
        quota.reserve(size);
        boolean published = false;
        Path temp = tmp.resolve(UUID.randomUUID() + TEMP_SUFFIX);
        try {
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                write(header, body, out, file.length());
                if (options.fsync()) {
                    out.force(true);
                }
            }
            publish(temp, target);
            published = true;
        } catch (IncompleteUploadException | AlreadyStoredException e) {
            throw e;
        } catch (IOException e) {
            throw isOutOfSpace(e) ? new StorageFullException("the disk is full", e) : e;
        } finally {
            quota.release(size, published);
            Files.deleteIfExists(temp);
        }
    }

    /**
     * Deletes the file stored under {@code slotPath} and, unless tombstones are off, remembers the
     * deletion first: from then on its URLs answer 410, even if the service stops before the unlink.
     *
     * @return whether there was a file to delete
     */
    public boolean delete(String slotPath) throws IOException {
        String hash = hash(slotPath);
        return delete(location(hash), hash, slotPath, Instant.now());
    }

    /** Deletes the file at {@code location}, its tombstone dated {@code now}. */
    private boolean delete(Path location, String hash, String slotPath, Instant now) throws IOException {
        if (isLink(location.getParent())) {
            return false;
        }
        long size;
        try {
            size = Files.readAttributes(location, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).size();
        } catch (NoSuchFileException e) {
            return false;
        }
        tombstones.add(hash, now, options.fsync());
        try {
            Files.delete(location);
        } catch (NoSuchFileException e) {
            return false; // a concurrent deletion came first
        }
        deletions.incrementAndGet(); // before the cache removal: see open()
        cache.remove(slotPath);
        quota.removed(size);
        if (options.fsync()) {
            syncDirectory(location.getParent());
        }
        return true;
    }

    /** The storage directory. */
    @Override
    public String toString() {
        return root.toString();
    }

    /** What one {@link #sweep} did. */
    public record SweepResult(int deleted, long deletedBytes, int tombstonesPurged, int kept, long keptBytes) {
    }

    /**
     * Deletes every file past its expiry — {@code expireAfter} after its upload, or the time its
     * token set — leaving its tombstone, and purges tombstones past their retention. Reads one
     * header page per file. A file that cannot be read or deleted is logged and skipped, so one bad
     * file never stops the others from expiring. Stops at once when the thread is interrupted
     * (the webapp is stopping).
     *
     * @throws InterruptedIOException the thread was interrupted; the files not yet reached stay
     */
    public SweepResult sweep(Instant now) throws IOException {
        int deleted = 0;
        int kept = 0;
        long deletedBytes = 0;
        long keptBytes = 0;
        for (Path shard : shards(files)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(shard)) {
                for (Path entry : entries) {
                    if (Thread.currentThread().isInterrupted()) {
                        throw new InterruptedIOException("sweep interrupted");
                    }
                    String name = entry.getFileName().toString();
                    BasicFileAttributes attributes = attributes(entry);
                    if (attributes == null || !attributes.isRegularFile() || !STORED_NAME.matcher(name).matches()) {
                        continue;
                    }
                    try {
                        FileHeader header = readHeader(entry);
                        if (header != null && isExpired(header, now)) {
                            if (delete(entry, name, header.slotPath(), now)) { // false: deleted meanwhile
                                deleted++;
                                deletedBytes += attributes.size();
                            }
                            continue;
                        }
                    } catch (ClosedByInterruptException e) {
                        throw e;
                    } catch (IOException e) {
                        LOG.log(System.Logger.Level.WARNING, "Could not delete expired {0}: {1}", entry, e.toString());
                    }
                    kept++;
                    keptBytes += attributes.size();
                }
            }
        }
        int purged = tombstones.purge(now);
        cache.purgeExpired();
        return new SweepResult(deleted, deletedBytes, purged, kept, keptBytes);
    }

    private boolean isExpired(FileHeader header, Instant now) {
        Instant deleteAt = deleteAt(header);
        return deleteAt != null && !now.isBefore(deleteAt);
    }

    /** Its own expiry or {@code expireAfter} after its upload, whichever comes first; {@code null}: never. */
    private Instant deleteAt(FileHeader header) {
        Instant expiresAt = header.expiresAt();
        if (options.expireAfter() != null) {
            Instant byAge = header.storedAt().plus(options.expireAfter());
            expiresAt = expiresAt == null || byAge.isBefore(expiresAt) ? byAge : expiresAt;
        }
        return expiresAt;
    }

    /** The header of a stored file, or {@code null} for a file that is not ours (it is left alone). */
    private static FileHeader readHeader(Path file) throws ClosedByInterruptException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            return FileHeader.read(channel, FileHeader.readAt(channel, HEADER_READ));
        } catch (ClosedByInterruptException e) {
            throw e; // the webapp is stopping: not a problem of this file
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "Skipping {0} in the sweep: {1}", file, e.getMessage());
            return null;
        }
    }

    private static BasicFileAttributes attributes(Path entry) {
        try {
            return Files.readAttributes(entry, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) {
            return null; // deleted meanwhile
        }
    }

    /** Total size of the stored files, for the quota at start: one stat per file. */
    private long countStored() throws IOException {
        long total = 0;
        for (Path shard : shards(files)) {
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(shard)) {
                for (Path entry : entries) {
                    BasicFileAttributes attributes = attributes(entry);
                    if (attributes != null && attributes.isRegularFile() && STORED_NAME.matcher(entry.getFileName().toString()).matches()) {
                        total += attributes.size();
                    }
                }
            }
        }
        return total;
    }

    /** Creates the 256 shard directories {@code 00} to {@code ff} (and proves them real directories). */
    private static void createShards(Path parent) throws IOException {
        for (int shard = 0; shard < 256; shard++) {
            Path directory = parent.resolve(HexFormat.of().toHexDigits((byte) shard));
            Files.createDirectories(directory);
            requireRealDirectory(directory);
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
    private static boolean isLink(Path path) {
        return Files.isSymbolicLink(path);
    }

    private static void requireRealDirectory(Path directory) throws IOException {
        if (isLink(directory) || !Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS)) {
            throw new IOException(directory + " must be a directory, not a symbolic link");
        }
    }

    /** ENOSPC and EDQUOT, as the JDK reports them on Linux (it exposes no errno). */
    private static boolean isOutOfSpace(IOException e) {
        String message = String.valueOf(e.getMessage());
        return message.contains("No space left on device") || message.contains("Disk quota exceeded");
    }

    /**
     * Deletes what uploads cut short by a crash left in {@code tmp/}: only regular files named like
     * ours ({@code <uuid>.part}), never following links. One service instance owns a storage
     * directory, so at start no upload of ours is in flight.
     */
    private void sweepTemporaryFiles() throws IOException {
        int swept = 0;
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(tmp)) {
            for (Path entry : entries) {
                if (TEMPORARY_NAME.matcher(entry.getFileName().toString()).matches()
                        && Files.isRegularFile(entry, LinkOption.NOFOLLOW_LINKS)) {
                    Files.delete(entry);
                    swept++;
                }
            }
        }
        if (swept > 0) {
            LOG.log(System.Logger.Level.INFO, "Deleted {0} unfinished upload(s) left in {1} by an earlier run", swept, tmp);
        }
    }

    private void publish(Path temp, Path target) throws IOException {
        try {
            Files.createLink(target, temp);
        } catch (FileAlreadyExistsException e) {
            throw new AlreadyStoredException();
        }
        if (options.fsync()) {
            syncDirectory(target.getParent());
        }
    }

    /**
     * Writes the header and exactly {@code length} body bytes through one buffer (constant memory
     * for any size), in whole 64 KiB blocks at 64 KiB-aligned offsets, however small the pieces the
     * container hands out: few write calls, and whole pages for the page cache.
     */
    private static void write(byte[] header, InputStream body, FileChannel out, long length) throws IOException {
        byte[] buffer = new byte[(header.length / BUFFER_SIZE + 1) * BUFFER_SIZE];
        System.arraycopy(header, 0, buffer, 0, header.length);
        int filled = header.length;
        long remaining = length;
        while (remaining > 0) {
            int read;
            try {
                read = body.read(buffer, filled, (int) Math.min(buffer.length - filled, remaining));
            } catch (IOException e) {
                throw new IncompleteUploadException(length - remaining, length, e);
            }
            if (read < 0) {
                throw new IncompleteUploadException(length - remaining, length, null);
            }
            filled += read;
            remaining -= read;
            if (filled == buffer.length) {
                writeFully(out, ByteBuffer.wrap(buffer));
                filled = 0;
            }
        }
        writeFully(out, ByteBuffer.wrap(buffer, 0, filled));
    }

    private static void writeFully(FileChannel out, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            out.write(bytes);
        }
    }

    /** Makes a new directory entry durable: on Linux an fsync of the directory itself. */
    static void syncDirectory(Path directory) throws IOException {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        }
    }

    private Path location(String hash) {
        return files.resolve(hash.substring(0, 2)).resolve(hash);
    }

    private static String hash(String slotPath) {
        return HexFormat.of().formatHex(digest().digest(slotPath.getBytes(StandardCharsets.UTF_8)));
    }

    /** A fresh SHA-256 digest: cloning the prototype skips the provider look-up of getInstance. */
    private static MessageDigest digest() {
        try {
            return (MessageDigest) SHA_256.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e); // checked when the prototype was made
        }
    }

    private static MessageDigest sha256() {
        try {
            MessageDigest prototype = MessageDigest.getInstance("SHA-256");
            prototype.clone();
            return prototype;
        } catch (NoSuchAlgorithmException | CloneNotSupportedException e) {
            throw new IllegalStateException("SHA-256 is not available", e);
        }
    }
}
