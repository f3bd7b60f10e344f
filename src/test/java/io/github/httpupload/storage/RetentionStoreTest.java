package io.github.httpupload.storage;

import io.github.httpupload.testsupport.StorageLayout;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The store's side of retention: per-file metadata, deletion with tombstones, the sweep (driven
 * here with explicit instants, so no test waits), and the two storage limits.
 */
class RetentionStoreTest {

    private static final int HEADER = 4096;

    @TempDir
    Path root;

    @Test
    void uploaderAndExpiryAreKeptWithTheFile() throws IOException {
        FileStore store = FileStore.open(root, StoreOptions.defaults());
        Instant expires = Instant.parse("2031-02-03T04:05:06Z");

        store.store(new NewFile("slot/a.png", 3, "image/png", "juliet@example.com", expires), body(3));
        store.store(NewFile.of("slot/b.png", 3, "image/png"), body(3));

        try (StoredFile a = store.open("slot/a.png").orElseThrow(); StoredFile b = store.open("slot/b.png").orElseThrow()) {
            assertEquals(Optional.of("juliet@example.com"), a.uploader());
            assertEquals(Optional.of(expires), a.expiresAt());
            assertEquals(Optional.empty(), b.uploader());
            assertEquals(Optional.empty(), b.expiresAt());
        }
        // Read back from disk, not from the cache: a fresh store over the same directory.
        try (StoredFile a = FileStore.open(root, StoreOptions.defaults()).open("slot/a.png").orElseThrow()) {
            assertEquals(Optional.of("juliet@example.com"), a.uploader());
            assertEquals(Optional.of(expires), a.expiresAt());
        }
    }

    @Test
    void aFileStoredByTheFirstHeaderVersionIsStillServed() throws IOException {
        FileStore store = FileStore.open(root, StoreOptions.defaults());
        store.store(NewFile.of("old/file.txt", 5, "text/plain"), new ByteArrayInputStream("hello".getBytes(StandardCharsets.UTF_8)));
        Path file = onlyStoredFile();
        // Rewrite the header as version 1 wrote it: no expiry, no uploader.
        java.nio.ByteBuffer v1 = java.nio.ByteBuffer.allocate(HEADER);
        v1.put(new byte[] {'H', 'U', 'P', 'L', 1}).putLong(Instant.parse("2025-01-01T00:00:00Z").toEpochMilli());
        for (String field : List.of("old/file.txt", "text/plain")) {
            byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
            v1.putInt(bytes.length).put(bytes);
        }
        byte[] content = Files.readAllBytes(file);
        System.arraycopy(v1.array(), 0, content, 0, HEADER);
        Files.write(file, content);

        try (StoredFile old = FileStore.open(root, StoreOptions.defaults()).open("old/file.txt").orElseThrow()) {
            assertEquals("text/plain", old.contentType());
            assertEquals(Instant.parse("2025-01-01T00:00:00Z"), old.storedAt());
            assertEquals(Optional.empty(), old.expiresAt());
            assertEquals(5, old.size());
        }
    }

    @Test
    void aDeletedFileLeavesATombstoneThatRefusesANewUploadThere() throws IOException {
        FileStore store = FileStore.open(root, StoreOptions.defaults());
        store.store(NewFile.of("slot/gone.txt", 4, "text/plain"), body(4));
        assertTrue(store.open("slot/gone.txt").isPresent()); // now cached

        assertTrue(store.delete("slot/gone.txt"));

        assertTrue(store.open("slot/gone.txt").isEmpty(), "served from the cache after its deletion");
        assertTrue(store.wasDeleted("slot/gone.txt"));
        assertFalse(store.wasDeleted("slot/never.txt"));
        assertFalse(store.delete("slot/gone.txt"));
        assertThrows(FileDeletedException.class, () -> store.store(NewFile.of("slot/gone.txt", 4, "text/plain"), body(4)));
        assertEquals(List.of(), storedFiles());
        // The record keeps no name, only the hash; it survives a restart.
        try (Stream<Path> gone = Files.walk(root.resolve("gone"))) {
            List<Path> tombstones = gone.filter(Files::isRegularFile).toList();
            assertEquals(1, tombstones.size());
            assertEquals(0, Files.size(tombstones.get(0)));
        }
        assertTrue(FileStore.open(root, StoreOptions.defaults()).wasDeleted("slot/gone.txt"));
    }

    @Test
    void withATombstoneRetentionOfZeroADeletedPathCanBeUploadedAgain() throws IOException {
        FileStore store = FileStore.open(root, StoreOptions.defaults().withRetention(null, Duration.ZERO));
        store.store(NewFile.of("slot/f", 1, "text/plain"), body(1));
        assertTrue(store.delete("slot/f"));

        assertFalse(store.wasDeleted("slot/f"));
        store.store(NewFile.of("slot/f", 2, "text/plain"), body(2));
        assertTrue(store.open("slot/f").isPresent());
    }

    @Test
    void theSweepDeletesWhatExpiredByAgeOrByItsOwnTimeAndNothingElse() throws IOException {
        FileStore store = FileStore.open(root, StoreOptions.defaults().withRetention(Duration.ofDays(30), Duration.ofDays(30)));
        Instant now = Instant.now();
        store.store(NewFile.of("a/by-age", 10, "text/plain"), body(10));
        store.store(new NewFile("b/by-token", 20, "text/plain", "u@example.com", now.plus(1, ChronoUnit.DAYS)), body(20));
        store.store(new NewFile("c/token-later-than-age", 30, "text/plain", null, now.plus(60, ChronoUnit.DAYS)), body(30));

        try (StoredFile byAge = store.open("a/by-age").orElseThrow();
             StoredFile byToken = store.open("b/by-token").orElseThrow();
             StoredFile capped = store.open("c/token-later-than-age").orElseThrow()) {
            assertEquals(Optional.of(byAge.storedAt().plus(30, ChronoUnit.DAYS)), byAge.deleteAt());
            assertEquals(Optional.of(now.plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.MILLIS)), byToken.deleteAt());
            assertEquals(Optional.of(capped.storedAt().plus(30, ChronoUnit.DAYS)), capped.deleteAt());
        }
        FileStore.SweepResult early = store.sweep(now.plus(12, ChronoUnit.HOURS));
        FileStore.SweepResult afterADay = store.sweep(now.plus(2, ChronoUnit.DAYS));
        FileStore.SweepResult afterAMonth = store.sweep(now.plus(31, ChronoUnit.DAYS));

        assertEquals(new FileStore.SweepResult(0, 0, 0, 3, 3L * HEADER + 60), early);
        assertEquals(new FileStore.SweepResult(1, HEADER + 20, 0, 2, 2L * HEADER + 40), afterADay);
        assertEquals(2, afterAMonth.deleted(), "expireAfter caps a later per-file expiry");
        assertEquals(0, afterAMonth.kept());
        assertTrue(store.wasDeleted("a/by-age") && store.wasDeleted("b/by-token") && store.wasDeleted("c/token-later-than-age"));
        assertEquals(0, store.storedBytes());
    }

    @Test
    void theSweepPurgesTombstonesPastTheirRetentionOnly() throws IOException {
        FileStore store = FileStore.open(root, StoreOptions.defaults().withRetention(null, Duration.ofDays(7)));
        for (String path : List.of("a/old", "b/new")) {
            store.store(NewFile.of(path, 1, "text/plain"), body(1));
            assertTrue(store.delete(path));
        }
        Path oldTombstone = tombstoneOf("a/old");
        Files.setLastModifiedTime(oldTombstone, FileTime.from(Instant.now().minus(8, ChronoUnit.DAYS)));

        FileStore.SweepResult result = store.sweep(Instant.now());

        assertEquals(1, result.tombstonesPurged());
        assertFalse(store.wasDeleted("a/old"));
        assertTrue(store.wasDeleted("b/new"));
        store.store(NewFile.of("a/old", 1, "text/plain"), body(1)); // forgotten: usable again
    }

    @Test
    void tombstonesKeptForeverAreNeverPurged() throws IOException {
        FileStore store = FileStore.open(root, StoreOptions.defaults());
        store.store(NewFile.of("a/f", 1, "text/plain"), body(1));
        store.delete("a/f");
        Files.setLastModifiedTime(tombstoneOf("a/f"), FileTime.from(Instant.parse("2000-01-01T00:00:00Z")));

        assertEquals(0, store.sweep(Instant.now()).tombstonesPurged());
        assertTrue(store.wasDeleted("a/f"));
    }

    @Test
    void theSweepLeavesFilesThatAreNotOursAlone() throws IOException {
        FileStore store = FileStore.open(root, StoreOptions.defaults().withRetention(Duration.ofSeconds(1), null));
        store.store(NewFile.of("a/ours", 1, "text/plain"), body(1));
        Path stranger = Files.writeString(root.resolve("files").resolve("ab").resolve("not-a-hash.txt"), "operator's note");
        Path badHeader = Files.writeString(root.resolve("files").resolve("cd").resolve("cd" + "0".repeat(62)), "garbage");

        FileStore.SweepResult result = store.sweep(Instant.now().plus(1, ChronoUnit.DAYS));

        assertEquals(1, result.deleted(), "our own expired file");
        assertTrue(Files.exists(stranger));
        assertTrue(Files.exists(badHeader));
    }

    @Test
    void aFileThatCannotBeDeletedDoesNotStopTheSweep() throws IOException {
        FileStore store = FileStore.open(root, StoreOptions.defaults().withRetention(Duration.ofSeconds(1), null));
        List<String> paths = List.of("a/1", "b/2", "c/3", "d/4");
        for (String path : paths) {
            store.store(NewFile.of(path, 10, "text/plain"), body(10));
        }
        // A directory where the first file's tombstone must go: recording its deletion fails.
        Files.createDirectory(tombstoneLocation("a/1"));

        FileStore.SweepResult result = store.sweep(Instant.now().plus(1, ChronoUnit.DAYS));

        assertEquals(3, result.deleted());
        assertEquals(1, result.kept());
        assertTrue(store.open("a/1").isPresent(), "kept, since its deletion could not be recorded first");
        assertEquals(HEADER + 10, store.storedBytes());
    }

    @Test
    void anInterruptedSweepStopsAtOnce() throws IOException {
        FileStore store = FileStore.open(root, StoreOptions.defaults().withRetention(Duration.ofSeconds(1), null));
        store.store(NewFile.of("a/1", 1, "text/plain"), body(1));

        Thread.currentThread().interrupt(); // what ExpirySweeper.close() does to a running sweep
        try {
            assertThrows(java.io.InterruptedIOException.class, () -> store.sweep(Instant.now().plus(1, ChronoUnit.DAYS)));
        } finally {
            Thread.interrupted();
        }
        assertTrue(store.open("a/1").isPresent());
    }

    @Test
    void maxStorageSizeRefusesAnUploadBeforeReadingItsBodyAndCountsDeletionsAndStartUp() throws IOException {
        long limit = 2L * (HEADER + 1000);
        FileStore store = FileStore.open(root, StoreOptions.defaults().withLimits(limit, 0));
        store.store(NewFile.of("a/1", 1000, "text/plain"), body(1000));
        store.store(NewFile.of("a/2", 1000, "text/plain"), body(1000));
        assertEquals(limit, store.storedBytes());

        StorageFullException full = assertThrows(StorageFullException.class,
                () -> store.store(NewFile.of("a/3", 1, "text/plain"), UNREADABLE));
        assertTrue(full.getMessage().contains("storage limit"), full.getMessage());

        // The total is counted again at start: a restarted store refuses too.
        FileStore restarted = FileStore.open(root, StoreOptions.defaults().withLimits(limit, 0));
        assertEquals(limit, restarted.storedBytes());
        assertThrows(StorageFullException.class, () -> restarted.store(NewFile.of("a/3", 1, "text/plain"), UNREADABLE));

        assertTrue(restarted.delete("a/1"));
        restarted.store(NewFile.of("a/3", 1000, "text/plain"), body(1000));
        assertEquals(limit, restarted.storedBytes());
        assertTempEmpty();
    }

    @Test
    void aFailedUploadGivesItsReservationBack() throws IOException {
        long limit = HEADER + 1000;
        FileStore store = FileStore.open(root, StoreOptions.defaults().withLimits(limit, 0));

        assertThrows(IncompleteUploadException.class, () -> store.store(NewFile.of("a/short", 1000, "text/plain"), body(10)));

        assertEquals(0, store.storedBytes());
        store.store(NewFile.of("a/whole", 1000, "text/plain"), body(1000));
    }

    @Test
    void aFileDeletedByHandFreesItsQuotaAtTheNextStart() throws IOException {
        long limit = HEADER + 1000;
        FileStore store = FileStore.open(root, StoreOptions.defaults().withLimits(limit, 0));
        store.store(NewFile.of("a/1", 1000, "text/plain"), body(1000));
        Files.delete(onlyStoredFile()); // an operator's rm

        assertThrows(StorageFullException.class, () -> store.store(NewFile.of("a/2", 1000, "text/plain"), UNREADABLE));
        store.sweep(Instant.now());
        assertEquals(limit, store.storedBytes(), "a sweep does not recount");
        FileStore restarted = FileStore.open(root, StoreOptions.defaults().withLimits(limit, 0));
        assertEquals(0, restarted.storedBytes());
        restarted.store(NewFile.of("a/2", 1000, "text/plain"), body(1000));
    }

    @Test
    void aVersionOneHeaderThatFillsItsPageExactlyIsRead() throws IOException {
        String path = "v1/" + "p".repeat(4000);
        String type = "t".repeat(4096 - 5 - 8 - 4 - path.length() - 4);
        java.nio.ByteBuffer v1 = java.nio.ByteBuffer.allocate(HEADER);
        v1.put(new byte[] {'H', 'U', 'P', 'L', 1}).putLong(0);
        v1.putInt(path.length()).put(path.getBytes(StandardCharsets.US_ASCII));
        v1.putInt(type.length()).put(type.getBytes(StandardCharsets.US_ASCII));
        assertEquals(0, v1.remaining());
        FileStore store = FileStore.open(root, StoreOptions.defaults());
        store.store(NewFile.of(path, 0, "text/plain"), body(0));
        Files.write(onlyStoredFile(), v1.array()); // an empty file whose header ends on the boundary

        try (StoredFile file = FileStore.open(root, StoreOptions.defaults()).open(path).orElseThrow()) {
            assertEquals(type, file.contentType());
            assertEquals(0, file.size());
        }
    }

    @Test
    void minFreeSpaceRefusesAnUploadBeforeReadingItsBody() throws IOException {
        long wholeDisk = Files.getFileStore(root).getTotalSpace();
        FileStore store = FileStore.open(root, StoreOptions.defaults().withLimits(Long.MAX_VALUE, wholeDisk));

        StorageFullException full = assertThrows(StorageFullException.class,
                () -> store.store(NewFile.of("a/1", 1, "text/plain"), UNREADABLE));

        assertTrue(full.getMessage().contains("to keep free"), full.getMessage());
        assertTempEmpty();
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /** A body that fails the test if the store reads it. */
    private static final InputStream UNREADABLE = new InputStream() {
        @Override
        public int read() {
            throw new AssertionError("the body was read before the upload was refused");
        }
    };

    private static InputStream body(int size) {
        return new ByteArrayInputStream(new byte[size]);
    }

    private Path onlyStoredFile() throws IOException {
        List<Path> files = storedFiles();
        assertEquals(1, files.size(), files.toString());
        return files.get(0);
    }

    private List<Path> storedFiles() throws IOException {
        try (Stream<Path> files = Files.walk(root.resolve("files"))) {
            return files.filter(Files::isRegularFile).toList();
        }
    }

    private Path tombstoneOf(String slotPath) {
        Path tombstone = tombstoneLocation(slotPath);
        assertTrue(Files.exists(tombstone), tombstone.toString());
        return tombstone;
    }

    private Path tombstoneLocation(String slotPath) {
        return StorageLayout.tombstone(root, slotPath);
    }

    private void assertTempEmpty() throws IOException {
        try (Stream<Path> temp = Files.list(root.resolve("tmp"))) {
            assertEquals(List.of(), temp.toList());
        }
    }
}
