package io.github.httpupload.storage;

import io.github.httpupload.auth.SlotPath;

import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.time.Instant;
import java.util.Optional;

/**
 * Files in a local directory ({@link LocalLayout}). Knows nothing about HTTP.
 *
 * <p>An upload is streamed to {@code tmp/}, its length checked, synced (when {@code fsync} is on),
 * then published with a hard link: {@code link(2)} fails when the name exists, so the first upload
 * is never replaced and of two racing uploads exactly one wins ({@code rename(2)} would silently
 * replace). Header and content are one file, so one link makes both visible at once.
 */
public final class LocalStorage implements Storage {

    private static final System.Logger LOG = System.getLogger(LocalStorage.class.getName());
    /** Files up to this size (header included) are read whole with their header. */
    static final int SMALL_FILE = 64 * 1024;

    private final LocalLayout layout;
    private final StorageSettings settings;
    private final ExpiryPolicy expiry;
    private final Tombstones tombstones;
    private final StorageQuota quota;

    private LocalStorage(LocalLayout layout, StorageSettings settings, Clock clock) throws IOException {
        this.layout = layout;
        this.settings = settings;
        this.expiry = new ExpiryPolicy(settings.expireAfter().orElse(null), clock);
        this.tombstones = new Tombstones(layout, settings.tombstoneRetention().orElse(null));
        // The file system of tmp/ and files/, looked up once: asking for free space is then one statvfs.
        this.quota = new StorageQuota(settings.maxStorageSize(), settings.minFreeSpace(), Files.getFileStore(layout.tmp),
                countStored(layout));
    }

    /**
     * Opens (creating if needed) the store in {@code settings.storageDir()} and proves it usable
     * ({@link LocalLayout#probe}); deletes what a crash left in {@code tmp/}.
     */
    public static LocalStorage open(StorageSettings settings, Clock clock) throws IOException {
        LocalLayout layout = LocalLayout.create(settings.storageDir(), settings.fsync());
        layout.deleteTemporaryFiles();
        layout.probe();
        return new LocalStorage(layout, settings, clock);
    }

    public ExpiryPolicy expiry() {
        return expiry;
    }

    @Override
    public Lookup open(SlotPath path) throws IOException {
        String hash = LocalLayout.hash(path.value());
        LocalFile file = read(layout.stored(hash));
        if (file != null && !expiry.isExpired(file.deleteAt())) {
            return Lookup.found(file);
        }
        // Past its deletion time a file answers as after the sweep that will delete it.
        return file != null && tombstones.enabled() || tombstones.contains(hash) ? Lookup.GONE : Lookup.ABSENT;
    }

    /** The file at {@code location} with its header (and a small file's content) read in one go; {@code null}: none. */
    private LocalFile read(Path location) throws IOException {
        if (LocalLayout.isLink(location.getParent())) {
            return plantedLink(location);
        }
        try (FileChannel channel = FileChannel.open(location, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            long fileSize = channel.size();
            boolean small = fileSize <= SMALL_FILE;
            ByteBuffer first = FileHeader.readAt(channel, (int) Math.min(small ? SMALL_FILE : FileHeader.ALIGNMENT, fileSize));
            FileHeader header = FileHeader.read(channel, first);
            small &= first.remaining() >= fileSize - header.length(); // else an unusually long header
            return new LocalFile(location, header, fileSize, small ? first.slice() : ByteBuffer.allocate(0),
                    expiry.deleteAt(header.storedAt(), header.expiresAt()));
        } catch (NoSuchFileException e) {
            return null;
        } catch (FileSystemException e) {
            // NOFOLLOW_LINKS makes opening a link fail (ELOOP): asked only then, since asking first
            // would cost an exception inside the JDK for every absent file.
            if (LocalLayout.isLink(location)) {
                return plantedLink(location);
            }
            throw e;
        }
    }

    private static LocalFile plantedLink(Path location) {
        LOG.log(Level.WARNING, "Not following a symbolic link planted in the storage: {0}", location);
        return null;
    }

    @Override
    public void store(NewFile file, InputStream body) throws IOException {
        String hash = LocalLayout.hash(file.path().value());
        Path target = layout.stored(hash);
        if (LocalLayout.exists(target)) {
            LocalFile existing = read(target);
            if (existing == null || !expiry.isExpired(existing.deleteAt())) {
                throw new AlreadyStoredException(); // cheap early answer; the link below is the real guard
            }
            delete(target, hash); // expired: what the sweep would do, then go on as after it
        }
        if (tombstones.contains(hash)) {
            throw new FileDeletedException();
        }
        layout.requireNoPlantedLink(target);
        byte[] header = FileHeader.encode(file, expiry.now());
        long size = header.length + file.length();
        quota.reserve(size);
        boolean published = false;
        Path temp = layout.newTemporaryFile();
        Throwable failure = null;
        try {
            // Locked until published: another instance starting on this directory leaves it alone.
            try (FileChannel out = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                out.lock(); // released when the channel closes
                UploadWriter.write(header, body, out, file.length());
                if (settings.fsync()) {
                    out.force(true);
                }
                publish(temp, target);
            }
            published = true;
        } catch (IncompleteUploadException | AlreadyStoredException e) {
            failure = e;
            throw e;
        } catch (IOException e) {
            failure = quota.explainsFailure(size) ? new StorageFullException("the disk is full", e) : e;
            throw (IOException) failure;
        } catch (RuntimeException | Error e) {
            failure = e;
            throw e;
        } finally {
            quota.release(size, published);
            Cleanup.delete(temp, failure);
        }
    }

    private void publish(Path temp, Path target) throws IOException {
        try {
            Files.createLink(target, temp);
        } catch (FileAlreadyExistsException e) {
            // On NFS a link(2) whose reply was lost is sent again, and the server's answer to the
            // retransmission is EEXIST although the first one succeeded: then the name is our own
            // file. Only a different file there is another upload's.
            if (!isSameFile(temp, target)) {
                throw new AlreadyStoredException();
            }
        }
        if (settings.fsync()) {
            LocalLayout.syncDirectory(target.getParent());
        }
    }

    /** Whether {@code a} and {@code b} are one file (one inode); false when either is gone. */
    private static boolean isSameFile(Path a, Path b) {
        try {
            return Files.isSameFile(a, b);
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public boolean delete(SlotPath path) throws IOException {
        String hash = LocalLayout.hash(path.value());
        Path location = layout.stored(hash);
        LocalFile file = read(location);
        if (file == null) {
            return false;
        }
        boolean expired = expiry.isExpired(file.deleteAt());
        return delete(location, hash) && !expired; // an expired file was deleted already, as far as anyone can tell
    }

    /**
     * Deletes the file at {@code location} and, unless tombstones are off, remembers the deletion
     * first: from then on its URLs answer 410, even if the service stops before the unlink.
     */
    private boolean delete(Path location, String hash) throws IOException {
        if (LocalLayout.isLink(location.getParent())) {
            return false;
        }
        long size;
        try {
            size = Files.readAttributes(location, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).size();
        } catch (NoSuchFileException e) {
            return false;
        }
        tombstones.add(hash, expiry.now(), settings.fsync());
        try {
            Files.delete(location);
        } catch (NoSuchFileException e) {
            return false; // a concurrent deletion came first
        }
        quota.removed(size);
        if (settings.fsync()) {
            LocalLayout.syncDirectory(location.getParent());
        }
        return true;
    }

    @Override
    public SweepResult sweep() throws IOException {
        long[] counts = new long[4]; // deleted, deletedBytes, kept, keptBytes
        ShardWalk.walk(layout.files, (entry, hash, attributes) -> {
            LocalFile file = readForSweep(entry);
            if (file != null && expiry.isExpired(file.deleteAt())) {
                if (delete(entry, hash)) { // false: deleted meanwhile
                    counts[0]++;
                    counts[1] += attributes.size();
                }
                return;
            }
            counts[2]++;
            counts[3] += attributes.size();
        });
        int purged = tombstones.purge(expiry.now());
        return new SweepResult((int) counts[0], counts[1], purged, (int) counts[2], counts[3]);
    }

    /** The header page of a stored file; {@code null} for a file that is not ours (it is left alone, and counted). */
    private LocalFile readForSweep(Path entry) throws IOException {
        try (FileChannel channel = FileChannel.open(entry, StandardOpenOption.READ, LinkOption.NOFOLLOW_LINKS)) {
            FileHeader header = FileHeader.read(channel, FileHeader.readAt(channel, FileHeader.ALIGNMENT));
            return new LocalFile(entry, header, channel.size(), ByteBuffer.allocate(0),
                    expiry.deleteAt(header.storedAt(), header.expiresAt()));
        } catch (FileHeader.NotStoredFileException e) {
            LOG.log(Level.WARNING, "Skipping {0} in the sweep: {1}", entry, e.getMessage());
            return null;
        }
    }

    /** A probe file written, read back and deleted in {@code tmp/} ({@link LocalLayout#probeTemporaryArea}). */
    @Override
    public StorageHealth checkHealth() {
        try {
            layout.probeTemporaryArea();
            return StorageHealth.HEALTHY;
        } catch (IOException | RuntimeException e) {
            return StorageHealth.unhealthy(StorageHealth.State.NOT_WRITABLE, e);
        }
    }

    /** How many bytes the stored files take, headers included, as far as this store knows. */
    public long storedBytes() {
        return quota.stored();
    }

    /** Files and bytes stored now, headers included: the quota's own count, exact without a listing. */
    @Override
    public Optional<Totals> liveTotals() {
        return Optional.of(quota.totals());
    }

    /** Number and total size of the stored files, for the quota at start: one stat per file. */
    private static Totals countStored(LocalLayout layout) throws IOException {
        long[] total = {0, 0};
        ShardWalk.walk(layout.files, (entry, hash, attributes) -> {
            total[0]++;
            total[1] += attributes.size();
        });
        return new Totals(total[0], total[1]);
    }

    /** Nothing to release: every file is opened and closed per call. */
    @Override
    public void close() {
    }

    /** The storage directory. */
    @Override
    public String toString() {
        return layout.toString();
    }
}
