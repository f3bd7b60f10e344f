package io.github.httpupload.storage;

import io.github.httpupload.testsupport.LogCapture;
import io.github.httpupload.testsupport.StorageLayout;
import io.github.httpupload.testsupport.TestClock;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.stream.Stream;

import static io.github.httpupload.storage.LocalStorageTest.UNREADABLE;
import static io.github.httpupload.storage.LocalStorageTest.body;
import static io.github.httpupload.storage.LocalStorageTest.read;
import static io.github.httpupload.storage.LocalStorageTest.slot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The storage's side of retention, on a {@link TestClock} so no test waits: a file past its
 * deletion time is gone at once for readers and writers (the sweep only reclaims its space),
 * deletions leave tombstones for the retention, and the sweep deletes, purges and counts.
 */
class RetentionStorageTest {

    private static final int HEADER = 4096;
    private static final Instant START = Instant.parse("2030-05-06T07:08:09.123Z");

    @TempDir
    Path root;

    private final TestClock clock = TestClock.at(START);

    private LocalStorage open(StorageSettings settings) throws IOException {
        return LocalStorage.open(settings, clock);
    }

    private StorageSettings settings() {
        return StorageSettings.in(root);
    }

    // ---- expiry holds without a sweep ------------------------------------------------------------

    @Test
    void aFileIsGoneForReadersTheMomentItsDeletionTimeHasComeWithoutASweep() throws IOException {
        LocalStorage storage = open(settings().withExpireAfter(Duration.ofHours(1)));
        storage.store(NewFile.of(slot("a/f"), 3, "text/plain"), body(3));
        assertEquals(Optional.of(START.plus(Duration.ofHours(1))), storage.open(slot("a/f")).file().orElseThrow().deleteAt());

        clock.advance(Duration.ofHours(1).minusMillis(1));
        assertEquals(Lookup.Status.FOUND, storage.open(slot("a/f")).status(), "a millisecond before");
        clock.advance(Duration.ofMillis(1));
        assertEquals(Lookup.GONE, storage.open(slot("a/f")), "at its deletion time");

        assertTrue(Files.exists(StorageLayout.storedFile(root, "a/f")), "no sweep ran: the bytes are still on disk");
    }

    @Test
    void aFilesOwnExpiryHoldsAtOnceToo() throws IOException {
        LocalStorage storage = open(settings());
        storage.store(new NewFile(slot("a/token"), 3, "text/plain", "romeo@example.com", START.plus(Duration.ofMinutes(10))), body(3));

        clock.advance(Duration.ofMinutes(9));
        assertEquals(Lookup.Status.FOUND, storage.open(slot("a/token")).status());
        clock.advance(Duration.ofMinutes(1));
        assertEquals(Lookup.GONE, storage.open(slot("a/token")));
    }

    @Test
    void withTombstonesOffAnExpiredFileIsAbsent() throws IOException {
        LocalStorage storage = open(settings().withExpireAfter(Duration.ofHours(1)).withTombstoneRetention(Duration.ZERO));
        storage.store(NewFile.of(slot("a/f"), 3, "text/plain"), body(3));

        clock.advance(Duration.ofHours(1));

        assertEquals(Lookup.ABSENT, storage.open(slot("a/f")));
    }

    @Test
    void storingOnAnExpiredPathIsRefusedAsDeletedBeforeTheBodyIsRead() throws IOException {
        LocalStorage storage = open(settings().withExpireAfter(Duration.ofHours(1)));
        storage.store(NewFile.of(slot("a/f"), 3, "text/plain"), body(3));
        clock.advance(Duration.ofHours(2));

        assertThrows(FileDeletedException.class, () -> storage.store(NewFile.of(slot("a/f"), 3, "text/plain"), UNREADABLE));

        assertFalse(Files.exists(StorageLayout.storedFile(root, "a/f")), "deleted as the sweep would have");
        Path tombstone = StorageLayout.tombstone(root, "a/f");
        assertEquals(FileTime.from(clock.instant()), Files.getLastModifiedTime(tombstone), "dated by the deletion");
        assertEquals(Lookup.GONE, storage.open(slot("a/f")));
        assertEquals(0, storage.storedBytes());
    }

    @Test
    void withTombstonesOffAnExpiredPathTakesANewUpload() throws IOException {
        LocalStorage storage = open(settings().withExpireAfter(Duration.ofHours(1)).withTombstoneRetention(Duration.ZERO));
        storage.store(NewFile.of(slot("a/f"), 3, "text/plain"), new ByteArrayInputStream("old".getBytes(StandardCharsets.UTF_8)));
        clock.advance(Duration.ofHours(1));

        storage.store(NewFile.of(slot("a/f"), 5, "text/html"), new ByteArrayInputStream("fresh".getBytes(StandardCharsets.UTF_8)));

        StoredObject file = storage.open(slot("a/f")).file().orElseThrow();
        assertEquals("fresh", new String(read(file), StandardCharsets.UTF_8));
        assertEquals("text/html", file.contentType());
        assertEquals(clock.instant(), file.storedAt());
        assertEquals(HEADER + 5, storage.storedBytes(), "the expired file's bytes were given back");
    }

    @Test
    void storingOnALiveFileIsStillAlreadyStored() throws IOException {
        LocalStorage storage = open(settings().withExpireAfter(Duration.ofHours(1)));
        storage.store(NewFile.of(slot("a/f"), 3, "text/plain"), body(3));
        clock.advance(Duration.ofMinutes(59));

        assertThrows(AlreadyStoredException.class, () -> storage.store(NewFile.of(slot("a/f"), 3, "text/plain"), UNREADABLE));
    }

    @Test
    void deletingAnExpiredFileSaysThereWasNone() throws IOException {
        LocalStorage storage = open(settings().withExpireAfter(Duration.ofHours(1)));
        storage.store(NewFile.of(slot("a/f"), 3, "text/plain"), body(3));
        clock.advance(Duration.ofHours(1));

        assertFalse(storage.delete(slot("a/f")), "expired: deleted already, as far as anyone can tell");

        assertFalse(Files.exists(StorageLayout.storedFile(root, "a/f")), "its space is reclaimed all the same");
        assertTrue(Files.exists(StorageLayout.tombstone(root, "a/f")));
        assertEquals(Lookup.GONE, storage.open(slot("a/f")));
        assertEquals(0, storage.storedBytes());
    }

    // ---- tombstones ------------------------------------------------------------------------------

    @Test
    void aDeletedFileLeavesATombstoneThatRefusesANewUploadThere() throws IOException {
        LocalStorage storage = open(settings());
        storage.store(NewFile.of(slot("slot/gone.txt"), 4, "text/plain"), body(4));
        clock.advance(Duration.ofMinutes(5));

        assertTrue(storage.delete(slot("slot/gone.txt")));

        assertEquals(Lookup.GONE, storage.open(slot("slot/gone.txt")));
        assertEquals(Lookup.ABSENT, storage.open(slot("slot/never.txt")));
        assertFalse(storage.delete(slot("slot/gone.txt")));
        assertThrows(FileDeletedException.class, () -> storage.store(NewFile.of(slot("slot/gone.txt"), 4, "text/plain"), UNREADABLE));
        assertEquals(List.of(), regularFiles("files"));
        // The record keeps no name, only the hash, dated by the deletion; it survives a restart.
        List<Path> tombstones = regularFiles("gone");
        assertEquals(List.of(StorageLayout.tombstone(root, "slot/gone.txt")), tombstones);
        assertEquals(0, Files.size(tombstones.get(0)));
        assertEquals(FileTime.from(START.plus(Duration.ofMinutes(5))), Files.getLastModifiedTime(tombstones.get(0)));
        assertEquals(Lookup.GONE, open(settings()).open(slot("slot/gone.txt")));
    }

    @Test
    void withATombstoneRetentionOfZeroADeletedPathCanBeUploadedAgain() throws IOException {
        LocalStorage storage = open(settings().withTombstoneRetention(Duration.ZERO));
        storage.store(NewFile.of(slot("slot/f"), 1, "text/plain"), body(1));

        assertTrue(storage.delete(slot("slot/f")));

        assertEquals(Lookup.ABSENT, storage.open(slot("slot/f")));
        assertEquals(List.of(), regularFiles("gone"), "no record is written");
        storage.store(NewFile.of(slot("slot/f"), 2, "text/plain"), body(2));
        assertEquals(2, storage.open(slot("slot/f")).file().orElseThrow().size());
        assertEquals(0, storage.sweep().tombstonesPurged());
    }

    @Test
    void tombstonesOffIgnoresRecordsLeftByAnEarlierConfiguration() throws IOException {
        LocalStorage remembering = open(settings());
        remembering.store(NewFile.of(slot("slot/f"), 1, "text/plain"), body(1));
        remembering.delete(slot("slot/f"));

        LocalStorage forgetting = open(settings().withTombstoneRetention(Duration.ZERO));

        assertEquals(Lookup.ABSENT, forgetting.open(slot("slot/f")));
        forgetting.store(NewFile.of(slot("slot/f"), 1, "text/plain"), body(1));
    }

    @Test
    void aTombstoneIsRememberedForTheRetentionThenForgottenByTheSweep() throws IOException {
        LocalStorage storage = open(settings().withTombstoneRetention(Duration.ofDays(7)));
        storage.store(NewFile.of(slot("a/old"), 1, "text/plain"), body(1));
        assertTrue(storage.delete(slot("a/old")));

        clock.advance(Duration.ofDays(7));
        assertEquals(0, storage.sweep().tombstonesPurged(), "exactly the retention: still remembered");
        assertEquals(Lookup.GONE, storage.open(slot("a/old")));

        clock.advance(Duration.ofSeconds(1));
        assertEquals(Lookup.GONE, storage.open(slot("a/old")), "forgotten by the sweep, not before it");
        assertEquals(1, storage.sweep().tombstonesPurged());

        assertEquals(Lookup.ABSENT, storage.open(slot("a/old")));
        assertEquals(List.of(), regularFiles("gone"));
        storage.store(NewFile.of(slot("a/old"), 1, "text/plain"), body(1)); // usable again
    }

    @Test
    void theSweepPurgesTombstonesPastTheirRetentionOnly() throws IOException {
        LocalStorage storage = open(settings().withTombstoneRetention(Duration.ofDays(7)));
        storage.store(NewFile.of(slot("a/old"), 1, "text/plain"), body(1));
        assertTrue(storage.delete(slot("a/old")));
        clock.advance(Duration.ofDays(3));
        storage.store(NewFile.of(slot("b/new"), 1, "text/plain"), body(1));
        assertTrue(storage.delete(slot("b/new")));
        clock.advance(Duration.ofDays(5));

        Storage.SweepResult result = storage.sweep();

        assertEquals(1, result.tombstonesPurged());
        assertEquals(Lookup.ABSENT, storage.open(slot("a/old")));
        assertEquals(Lookup.GONE, storage.open(slot("b/new")));
    }

    @Test
    void tombstonesKeptForeverAreNeverPurged() throws IOException {
        LocalStorage storage = open(settings());
        storage.store(NewFile.of(slot("a/f"), 1, "text/plain"), body(1));
        storage.delete(slot("a/f"));
        clock.advance(Duration.ofDays(365L * 100));

        assertEquals(0, storage.sweep().tombstonesPurged());
        assertEquals(Lookup.GONE, storage.open(slot("a/f")));
    }

    // ---- the sweep -------------------------------------------------------------------------------

    @Test
    void theSweepDeletesWhatExpiredByAgeOrByItsOwnTimeAndNothingElse() throws IOException {
        LocalStorage storage = open(settings().withExpireAfter(Duration.ofDays(30)).withTombstoneRetention(Duration.ofDays(30)));
        storage.store(NewFile.of(slot("a/by-age"), 10, "text/plain"), body(10));
        storage.store(new NewFile(slot("b/by-token"), 20, "text/plain", "u@example.com", START.plus(Duration.ofDays(1))), body(20));
        storage.store(new NewFile(slot("c/token-later-than-age"), 30, "text/plain", null, START.plus(Duration.ofDays(60))), body(30));

        assertEquals(Optional.of(START.plus(Duration.ofDays(30))), storage.open(slot("a/by-age")).file().orElseThrow().deleteAt());
        assertEquals(Optional.of(START.plus(Duration.ofDays(1))), storage.open(slot("b/by-token")).file().orElseThrow().deleteAt());
        assertEquals(Optional.of(START.plus(Duration.ofDays(30))), storage.open(slot("c/token-later-than-age")).file().orElseThrow().deleteAt(),
                "expireAfter caps a later per-file expiry");

        clock.advance(Duration.ofHours(12));
        Storage.SweepResult early = storage.sweep();
        clock.set(START.plus(Duration.ofDays(2)));
        Storage.SweepResult afterADay = storage.sweep();
        clock.set(START.plus(Duration.ofDays(31)));
        Storage.SweepResult afterAMonth = storage.sweep();

        assertEquals(new Storage.SweepResult(0, 0, 0, 3, 3L * HEADER + 60), early);
        assertEquals(new Storage.SweepResult(1, HEADER + 20, 0, 2, 2L * HEADER + 40), afterADay);
        assertEquals(new Storage.SweepResult(2, 2L * HEADER + 40, 0, 0, 0), afterAMonth);
        for (String path : List.of("a/by-age", "b/by-token", "c/token-later-than-age")) {
            assertEquals(Lookup.GONE, storage.open(slot(path)), path);
        }
        assertEquals(List.of(), regularFiles("files"));
        assertEquals(0, storage.storedBytes());
        // The first tombstone (dated day 2) is past 30 days of retention at day 33.
        clock.set(START.plus(Duration.ofDays(33)));
        assertEquals(1, storage.sweep().tombstonesPurged());
        assertEquals(Lookup.ABSENT, storage.open(slot("b/by-token")));
    }

    @Test
    void theTombstonesOfASweepAreDatedByTheSweep() throws IOException {
        LocalStorage storage = open(settings().withExpireAfter(Duration.ofHours(1)));
        storage.store(NewFile.of(slot("a/f"), 1, "text/plain"), body(1));
        Instant sweptAt = clock.advance(Duration.ofDays(3));

        assertEquals(1, storage.sweep().deleted());

        assertEquals(FileTime.from(sweptAt), Files.getLastModifiedTime(StorageLayout.tombstone(root, "a/f")));
    }

    @Test
    void withTombstonesOffTheSweepLeavesNoRecord() throws IOException {
        LocalStorage storage = open(settings().withExpireAfter(Duration.ofHours(1)).withTombstoneRetention(Duration.ZERO));
        storage.store(NewFile.of(slot("a/f"), 1, "text/plain"), body(1));
        clock.advance(Duration.ofHours(1));

        assertEquals(new Storage.SweepResult(1, HEADER + 1, 0, 0, 0), storage.sweep());

        assertEquals(List.of(), regularFiles("gone"));
        assertEquals(Lookup.ABSENT, storage.open(slot("a/f")));
    }

    @Test
    void theSweepLeavesFilesThatAreNotOursAlone() throws IOException {
        LocalStorage storage = open(settings().withExpireAfter(Duration.ofSeconds(1)));
        storage.store(NewFile.of(slot("a/ours"), 1, "text/plain"), body(1));
        Path stranger = Files.writeString(root.resolve("files").resolve("ab").resolve("not-a-hash.txt"), "operator's note");
        Path badHeader = Files.writeString(root.resolve("files").resolve("cd").resolve("cd" + "0".repeat(62)), "garbage");
        clock.advance(Duration.ofDays(1));

        Storage.SweepResult result;
        try (LogCapture log = new LogCapture(Level.WARNING)) {
            result = storage.sweep();
            assertTrue(log.text().contains(badHeader.toString()), log.text());
        }

        assertEquals(1, result.deleted(), "our own expired file");
        assertEquals(1, result.kept(), "the file with a bad header is counted, not deleted");
        assertTrue(Files.exists(stranger));
        assertEquals("garbage", Files.readString(badHeader));
    }

    @Test
    void aFileWhoseTombstoneCannotBeWrittenDoesNotStopTheSweepAndIsLogged() throws IOException {
        LocalStorage storage = open(settings().withExpireAfter(Duration.ofSeconds(1)));
        List<String> paths = List.of("a/1", "b/2", "c/3", "d/4");
        for (String path : paths) {
            storage.store(NewFile.of(slot(path), 10, "text/plain"), body(10));
        }
        // A directory where the first file's tombstone must go: recording its deletion fails.
        Path blocked = Files.createDirectory(StorageLayout.tombstone(root, "a/1"));
        clock.advance(Duration.ofDays(1));

        Storage.SweepResult result;
        try (LogCapture log = new LogCapture(Level.WARNING)) {
            result = storage.sweep();
            assertTrue(log.text().contains(StorageLayout.storedFile(root, "a/1").toString()), log.text());
        }

        assertEquals(3, result.deleted());
        assertEquals(0, result.kept(), "the file that failed is neither deleted nor counted as kept");
        assertTrue(Files.exists(StorageLayout.storedFile(root, "a/1")), "kept, since its deletion could not be recorded first");
        for (String path : paths.subList(1, 4)) {
            assertFalse(Files.exists(StorageLayout.storedFile(root, path)), path);
        }
        assertEquals(HEADER + 10, storage.storedBytes());
        assertTrue(Files.isDirectory(blocked));
    }

    @Test
    void anInterruptedSweepStopsAtOnce() throws IOException {
        LocalStorage storage = open(settings().withExpireAfter(Duration.ofSeconds(1)));
        storage.store(NewFile.of(slot("a/1"), 1, "text/plain"), body(1));
        clock.advance(Duration.ofDays(1));

        Thread.currentThread().interrupt(); // what Sweeper.close() does to a running sweep
        try {
            assertThrows(InterruptedIOException.class, storage::sweep);
        } finally {
            Thread.interrupted();
        }
        assertTrue(Files.exists(StorageLayout.storedFile(root, "a/1")), "nothing was deleted");
    }

    // ---- one bad tombstone never stops a purge (regression) --------------------------------------

    @Test
    void anUndeletableTombstoneIsLoggedAndSkippedAndTheSweepGoesOn() throws Exception {
        LocalStorage storage = open(settings().withTombstoneRetention(Duration.ofDays(1)));
        for (String path : List.of("a/1", "b/2", "c/3")) {
            storage.store(NewFile.of(slot(path), 1, "text/plain"), body(1));
            assertTrue(storage.delete(slot(path)));
        }
        storage.store(new NewFile(slot("d/expiring"), 5, "text/plain", null, START.plus(Duration.ofHours(36))), body(5));
        storage.store(NewFile.of(slot("e/kept"), 7, "text/plain"), body(7));
        Path stuck = StorageLayout.tombstone(root, "b/2");
        // An immutable file cannot be unlinked, even by root: the purge's delete of it fails for real.
        try (Immutable ignored = Immutable.make(stuck)) {
            clock.advance(Duration.ofDays(2));

            Storage.SweepResult result;
            try (LogCapture log = new LogCapture(Level.WARNING)) {
                result = storage.sweep();
                assertTrue(log.text().contains(stuck.toString()), "the bad entry is logged: " + log.text());
            }

            assertEquals(new Storage.SweepResult(1, HEADER + 5, 2, 1, HEADER + 7), result);
            assertEquals(Lookup.ABSENT, storage.open(slot("a/1")));
            assertEquals(Lookup.ABSENT, storage.open(slot("c/3")));
            assertEquals(Lookup.GONE, storage.open(slot("b/2")), "the stuck record still answers");
            assertEquals(Lookup.GONE, storage.open(slot("d/expiring")), "its new tombstone is young");
            assertFalse(Files.exists(StorageLayout.storedFile(root, "d/expiring")));
        }
    }

    @Test
    void entriesInGoneThatAreNotTombstonesAreLeftAloneAndTheOthersPurged() throws IOException {
        LocalStorage storage = open(settings().withTombstoneRetention(Duration.ofDays(1)));
        for (String path : List.of("a/1", "c/3")) {
            storage.store(NewFile.of(slot(path), 1, "text/plain"), body(1));
            assertTrue(storage.delete(slot(path)));
        }
        Instant old = START.minus(Duration.ofDays(10));
        // A directory where b/2's tombstone would be, a file not named like a hash, a planted link.
        Path directory = Files.createDirectory(StorageLayout.tombstone(root, "b/2"));
        Files.writeString(directory.resolve("inside"), "x");
        Files.setLastModifiedTime(directory, FileTime.from(old));
        Path garbage = Files.writeString(root.resolve("gone").resolve("ab").resolve("notes.txt"), "garbage");
        Files.setLastModifiedTime(garbage, FileTime.from(old));
        Path target = Files.writeString(root.resolve("link-target"), "keep me");
        Path link = Files.createSymbolicLink(StorageLayout.tombstone(root, "f/link"), target);
        clock.advance(Duration.ofDays(2));

        assertEquals(2, storage.sweep().tombstonesPurged());

        assertEquals(Lookup.ABSENT, storage.open(slot("a/1")));
        assertEquals(Lookup.ABSENT, storage.open(slot("c/3")));
        assertTrue(Files.isDirectory(directory, LinkOption.NOFOLLOW_LINKS));
        assertEquals("garbage", Files.readString(garbage));
        assertTrue(Files.isSymbolicLink(link));
        assertEquals("keep me", Files.readString(target));
        assertEquals(Lookup.GONE, storage.open(slot("b/2")), "a directory there counts as a record, never as a file");
        assertThrows(FileDeletedException.class, () -> storage.store(NewFile.of(slot("b/2"), 1, "text/plain"), UNREADABLE));
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private List<Path> regularFiles(String directory) throws IOException {
        try (Stream<Path> files = Files.walk(root.resolve(directory))) {
            return files.filter(p -> Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)).toList();
        }
    }

    /** A file made immutable with chattr(1) for one test (skipped where the file system or the capability lacks it). */
    private static final class Immutable implements AutoCloseable {

        private final Path file;

        private Immutable(Path file) {
            this.file = file;
        }

        static Immutable make(Path file) throws Exception {
            String failure = chattr("+i", file);
            Assumptions.assumeTrue(failure == null, () -> "cannot make a file immutable here: " + failure);
            return new Immutable(file);
        }

        @Override
        public void close() throws Exception {
            String failure = chattr("-i", file);
            assertEquals(null, failure, "could not make " + file + " mutable again");
        }

        /** {@code null} on success, else what went wrong. */
        private static String chattr(String flag, Path file) throws Exception {
            try {
                Process process = new ProcessBuilder("chattr", flag, file.toString()).redirectErrorStream(true).start();
                String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                if (!process.waitFor(30, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    return "chattr timed out";
                }
                return process.exitValue() == 0 ? null : "chattr " + flag + ": " + output.trim();
            } catch (IOException e) {
                return e.toString(); // no chattr
            }
        }
    }
}
