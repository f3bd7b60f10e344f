package io.github.httpupload.storage;

import io.github.httpupload.auth.InvalidSlotPathException;
import io.github.httpupload.auth.SlotPath;
import io.github.httpupload.testsupport.StorageLayout;
import io.github.httpupload.testsupport.TestClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link LocalStorage} on a real directory: what is stored comes back byte for byte with its
 * metadata, nothing is ever replaced, nothing partial is ever visible, and the limits refuse an
 * upload before its body is read. (Expiry and tombstones: {@link RetentionStorageTest}.)
 */
class LocalStorageTest {

    private static final int HEADER = 4096;
    private static final Instant START = Instant.parse("2030-05-06T07:08:09.123Z");

    @TempDir
    Path root;

    private final TestClock clock = TestClock.at(START);
    private LocalStorage storage;

    @BeforeEach
    void open() throws IOException {
        storage = LocalStorage.open(StorageSettings.in(root), clock);
    }

    // ---- store and open ------------------------------------------------------------------------

    @Test
    void storesAndReadsBackContentAndMetadata() throws IOException {
        byte[] content = "hello, world".getBytes(StandardCharsets.UTF_8);

        storage.store(NewFile.of(slot("a/hello.txt"), content.length, "text/plain"), new ByteArrayInputStream(content));

        StoredObject file = found("a/hello.txt");
        assertEquals(content.length, file.size());
        assertEquals("text/plain", file.contentType());
        assertEquals("a/hello.txt", file.slotPath());
        assertEquals(START, file.storedAt(), "stored at the storage's clock");
        assertEquals(Optional.empty(), file.uploader());
        assertEquals(Optional.empty(), file.deleteAt(), "no expiry configured, none of its own");
        assertArrayEquals(content, read(file));
        assertEquals(Lookup.ABSENT, storage.open(slot("a/other.txt")));
        assertEquals(List.of(StorageLayout.storedFile(root, "a/hello.txt")), storedFiles(), "where the README says");
        assertEquals(HEADER + content.length, Files.size(StorageLayout.storedFile(root, "a/hello.txt")));
        assertEquals(HEADER + content.length, storage.storedBytes());
        assertTempEmpty();
    }

    @Test
    void uploaderAndItsOwnExpiryAreKeptWithTheFileAndReadBackFromDisk() throws IOException {
        Instant expires = Instant.parse("2031-02-03T04:05:06Z");

        storage.store(new NewFile(slot("slot/a.png"), 3, "image/png", "juliet@example.com", expires), body(3));
        storage.store(NewFile.of(slot("slot/b.png"), 3, "image/png"), body(3));

        StoredObject a = found("slot/a.png");
        StoredObject b = found("slot/b.png");
        assertEquals(Optional.of("juliet@example.com"), a.uploader());
        assertEquals(Optional.of(expires), a.deleteAt());
        assertEquals(Optional.empty(), b.uploader());
        assertEquals(Optional.empty(), b.deleteAt());
        // A fresh storage over the same directory: read from the header on disk.
        StoredObject again = LocalStorage.open(StorageSettings.in(root), clock).open(slot("slot/a.png")).file().orElseThrow();
        assertEquals(Optional.of("juliet@example.com"), again.uploader());
        assertEquals(Optional.of(expires), again.deleteAt());
        assertEquals(START, again.storedAt());
    }

    @Test
    void aLongUnicodeNameWorks() throws IOException {
        String path = "4a771ac1-f0b2-4a4a-9700-f2a26fa2bb67/" + "é".repeat(100) + "日".repeat(100) + ".txt";
        byte[] content = {1, 2, 3};

        storage.store(NewFile.of(slot(path), 3, "application/octet-stream"), new ByteArrayInputStream(content));

        StoredObject file = found(path);
        assertEquals(path, file.slotPath());
        assertArrayEquals(content, read(file));
    }

    @Test
    void contentStartsOnAPageBoundaryAndSmallFilesAreHeldInMemory() throws IOException {
        byte[] content = new byte[10_000];
        new Random(1).nextBytes(content);
        String longPath = "a/" + "日".repeat(2000); // about 6 KiB of path: a header of two pages
        storage.store(NewFile.of(slot("a/short-name"), content.length, "image/png"), new ByteArrayInputStream(content));
        storage.store(NewFile.of(slot(longPath), content.length, "image/png"), new ByteArrayInputStream(content));

        assertEquals(HEADER + content.length, Files.size(StorageLayout.storedFile(root, "a/short-name")));
        assertEquals(2 * HEADER + content.length, Files.size(StorageLayout.storedFile(root, longPath)));
        for (String path : List.of("a/short-name", longPath)) {
            byte[] onDisk = Files.readAllBytes(StorageLayout.storedFile(root, path));
            assertArrayEquals(content, Arrays.copyOfRange(onDisk, onDisk.length - content.length, onDisk.length), path);
            StoredObject file = found(path);
            assertEquals(path, file.slotPath());
            assertEquals(content.length, file.size());
            assertArrayEquals(content, read(file));
            assertEquals(Optional.empty(), file.fileRegion(), "a small file is written from memory: " + path);
        }
        // Held in memory: served whole even once its file is gone from the disk.
        StoredObject small = found("a/short-name");
        Files.delete(StorageLayout.storedFile(root, "a/short-name"));
        assertArrayEquals(content, read(small));
    }

    @Test
    void aLargeFileIsReadFromDiskInAnyRangeAndOffersItsFileRegion() throws IOException {
        byte[] content = new byte[300_000];
        new Random(2).nextBytes(content);
        storage.store(NewFile.of(slot("a/large"), content.length, "video/mp4"), new ByteArrayInputStream(content));

        StoredObject file = found("a/large");
        assertEquals(content.length, file.size());
        assertArrayEquals(content, read(file));
        assertEquals(Optional.of(new StoredObject.FileRegion(
                StorageLayout.storedFile(root, "a/large").toAbsolutePath().toString(), HEADER)), file.fileRegion());
        assertArrayEquals(Arrays.copyOfRange(content, content.length - 10, content.length), read(file, content.length - 10, content.length));
        assertArrayEquals(Arrays.copyOfRange(content, 0, 1), read(file, 0, 1));
        assertArrayEquals(Arrays.copyOfRange(content, 65_000, 200_123), read(file, 65_000, 200_123), "across copy buffers");
        assertArrayEquals(new byte[0], read(file, 1234, 1234));
        // The region really is where the content lies.
        byte[] onDisk = Files.readAllBytes(Path.of(file.fileRegion().orElseThrow().absolutePath()));
        assertArrayEquals(content, Arrays.copyOfRange(onDisk, (int) file.fileRegion().orElseThrow().offset(), onDisk.length));
    }

    @Test
    void aLargeFileWithALongHeaderHasItsRegionAfterTheWholeHeader() throws IOException {
        byte[] content = new byte[100_000];
        new Random(3).nextBytes(content);
        String longPath = "a/" + "日".repeat(2000);
        storage.store(NewFile.of(slot(longPath), content.length, "video/mp4"), new ByteArrayInputStream(content));

        StoredObject file = found(longPath);
        assertEquals(2L * HEADER, file.fileRegion().orElseThrow().offset());
        assertArrayEquals(content, read(file));
        assertArrayEquals(Arrays.copyOfRange(content, 99_990, 100_000), read(file, 99_990, 100_000));
    }

    @Test
    void aSmallFileServesRangesToo() throws IOException {
        byte[] content = "0123456789".getBytes(StandardCharsets.US_ASCII);
        storage.store(NewFile.of(slot("a/digits"), content.length, "text/plain"), new ByteArrayInputStream(content));

        StoredObject file = found("a/digits");
        assertEquals("345", new String(read(file, 3, 6), StandardCharsets.US_ASCII));
        assertEquals("9", new String(read(file, 9, 10), StandardCharsets.US_ASCII));
    }

    @Test
    void anEmptyFileIsAFile() throws IOException {
        storage.store(NewFile.of(slot("a/empty"), 0, "text/plain"), InputStream.nullInputStream());

        StoredObject file = found("a/empty");
        assertEquals(0, file.size());
        assertArrayEquals(new byte[0], read(file));
    }

    @Test
    void openOfAPathNeverStoredIsAbsent() throws IOException {
        assertEquals(Lookup.ABSENT, storage.open(slot("never/stored.txt")));
    }

    @Test
    void aFileStoredByTheFirstHeaderVersionIsStillServed() throws IOException {
        storage.store(NewFile.of(slot("old/file.txt"), 5, "text/plain"), new ByteArrayInputStream("hello".getBytes(StandardCharsets.UTF_8)));
        Path file = onlyStoredFile();
        // Rewrite the header as version 1 wrote it: no expiry, no uploader.
        ByteBuffer v1 = ByteBuffer.allocate(HEADER);
        v1.put(new byte[] {'H', 'U', 'P', 'L', 1}).putLong(Instant.parse("2025-01-01T00:00:00Z").toEpochMilli());
        for (String field : List.of("old/file.txt", "text/plain")) {
            byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
            v1.putInt(bytes.length).put(bytes);
        }
        byte[] content = Files.readAllBytes(file);
        System.arraycopy(v1.array(), 0, content, 0, HEADER);
        Files.write(file, content);

        StoredObject old = LocalStorage.open(StorageSettings.in(root), clock).open(slot("old/file.txt")).file().orElseThrow();
        assertEquals("text/plain", old.contentType());
        assertEquals(Instant.parse("2025-01-01T00:00:00Z"), old.storedAt());
        assertEquals(Optional.empty(), old.deleteAt());
        assertEquals(Optional.empty(), old.uploader());
        assertEquals("hello", new String(read(old), StandardCharsets.UTF_8));
    }

    @Test
    void aVersionOneHeaderThatFillsItsPageExactlyIsRead() throws IOException {
        String path = "v1/" + "p".repeat(4000);
        String type = "t".repeat(4096 - 5 - 8 - 4 - path.length() - 4);
        ByteBuffer v1 = ByteBuffer.allocate(HEADER);
        v1.put(new byte[] {'H', 'U', 'P', 'L', 1}).putLong(0);
        v1.putInt(path.length()).put(path.getBytes(StandardCharsets.US_ASCII));
        v1.putInt(type.length()).put(type.getBytes(StandardCharsets.US_ASCII));
        assertEquals(0, v1.remaining());
        storage.store(NewFile.of(slot(path), 0, "text/plain"), body(0));
        Files.write(onlyStoredFile(), v1.array()); // an empty file whose header ends on the boundary

        StoredObject file = LocalStorage.open(StorageSettings.in(root), clock).open(slot(path)).file().orElseThrow();
        assertEquals(type, file.contentType());
        assertEquals(0, file.size());
    }

    // ---- never replaced, nothing partial ---------------------------------------------------------

    @Test
    void neverReplacesAStoredFile() throws IOException {
        storage.store(NewFile.of(slot("a/b"), 5, "text/plain"), new ByteArrayInputStream("first".getBytes(StandardCharsets.UTF_8)));
        byte[] before = Files.readAllBytes(onlyStoredFile());

        assertThrows(AlreadyStoredException.class,
                () -> storage.store(NewFile.of(slot("a/b"), 6, "text/html"), UNREADABLE));

        StoredObject file = found("a/b");
        assertEquals("first", new String(read(file), StandardCharsets.UTF_8));
        assertEquals("text/plain", file.contentType());
        assertArrayEquals(before, Files.readAllBytes(onlyStoredFile()), "the original is untouched");
        assertEquals(HEADER + 5, storage.storedBytes(), "the refused upload is not counted");
        assertTempEmpty();
    }

    @Test
    void aStoreThatLosesTheRaceAtTheLinkIsAlreadyStoredAndLeavesNothing() throws IOException {
        // The winner publishes while the loser's body is being read: the early check passed, the link fails.
        byte[] winner = "winner".getBytes(StandardCharsets.UTF_8);
        InputStream loserBody = new InputStream() {
            private boolean raced;

            @Override
            public int read() {
                throw new AssertionError("read in blocks");
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (!raced) {
                    raced = true;
                    storage.store(NewFile.of(slot("race/x"), winner.length, "text/plain"), new ByteArrayInputStream(winner));
                }
                Arrays.fill(buffer, offset, offset + length, (byte) 'L');
                return length;
            }
        };

        assertThrows(AlreadyStoredException.class, () -> storage.store(NewFile.of(slot("race/x"), 5, "text/html"), loserBody));

        StoredObject file = found("race/x");
        assertArrayEquals(winner, read(file));
        assertEquals("text/plain", file.contentType());
        assertEquals(HEADER + winner.length, storage.storedBytes());
        assertTempEmpty();
    }

    @Test
    void aLinkThatReportsExistsButMadeOurOwnFileIsAStoredUpload() throws IOException {
        // What an NFS retransmission of link(2) leaves: the final name is already the temporary
        // file (one inode, two links), and the link call answers EEXIST. Made here by linking the
        // temporary file ourselves while its last bytes are read, just before the publish.
        byte[] content = "published twice".getBytes(StandardCharsets.UTF_8);
        Path target = StorageLayout.storedFile(root, "nfs/x.txt");
        InputStream body = new ByteArrayInputStream(content) {
            @Override
            public synchronized int read(byte[] buffer, int offset, int length) {
                int n = super.read(buffer, offset, length);
                if (n > 0 && available() == 0) {
                    linkTheTemporaryFileTo(target);
                }
                return n;
            }
        };

        storage.store(NewFile.of(slot("nfs/x.txt"), content.length, "text/plain"), body);

        StoredObject file = found("nfs/x.txt");
        assertArrayEquals(content, read(file));
        assertEquals("text/plain", file.contentType());
        assertEquals(1, Files.getAttribute(target, "unix:nlink"), "the temporary name is gone, the final one stays");
        assertEquals(HEADER + content.length, storage.storedBytes(), "counted as stored");
        assertTempEmpty();
    }

    @Test
    void aDifferentFileAtTheFinalNameIsStillAConflict() throws IOException {
        // The same EEXIST from link(2), but the name is another file: a real conflict, left untouched.
        byte[] content = "the loser".getBytes(StandardCharsets.UTF_8);
        Path target = StorageLayout.storedFile(root, "nfs/y.txt");
        InputStream body = new ByteArrayInputStream(content) {
            @Override
            public synchronized int read(byte[] buffer, int offset, int length) {
                int n = super.read(buffer, offset, length);
                if (n > 0 && available() == 0) {
                    try {
                        Files.write(target, "someone else's".getBytes(StandardCharsets.UTF_8));
                    } catch (IOException e) {
                        throw new AssertionError(e);
                    }
                }
                return n;
            }
        };

        assertThrows(AlreadyStoredException.class,
                () -> storage.store(NewFile.of(slot("nfs/y.txt"), content.length, "text/plain"), body));

        assertEquals("someone else's", Files.readString(target));
        assertEquals(0, storage.storedBytes());
        assertTempEmpty();
    }

    /** Hard-links the one upload in progress in {@code tmp/} to {@code target}. */
    private void linkTheTemporaryFileTo(Path target) {
        try (Stream<Path> temp = Files.list(root.resolve("tmp"))) {
            List<Path> uploads = temp.toList();
            assertEquals(1, uploads.size(), uploads.toString());
            Files.createLink(target, uploads.get(0));
            assertEquals(2, Files.getAttribute(uploads.get(0), "unix:nlink"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void aShortBodyKeepsNothing() throws IOException {
        IncompleteUploadException e = assertThrows(IncompleteUploadException.class,
                () -> storage.store(NewFile.of(slot("a/short"), 10, "text/plain"), new ByteArrayInputStream(new byte[4])));

        assertTrue(e.getMessage().contains("4 of 10"), e.getMessage());
        assertEquals(Lookup.ABSENT, storage.open(slot("a/short")));
        assertEquals(List.of(), storedFiles());
        assertTempEmpty();
        assertEquals(0, storage.storedBytes());
        storage.store(NewFile.of(slot("a/short"), 4, "text/plain"), new ByteArrayInputStream(new byte[4]));
        assertEquals(4, found("a/short").size());
    }

    @Test
    void aFailingBodyKeepsNothing() throws IOException {
        InputStream breaksOff = new InputStream() {
            private int sent;

            @Override
            public int read() throws IOException {
                if (sent++ < 100) {
                    return 'x';
                }
                throw new IOException("connection reset");
            }
        };

        IncompleteUploadException e = assertThrows(IncompleteUploadException.class,
                () -> storage.store(NewFile.of(slot("a/broken"), 1000, "text/plain"), breaksOff));

        assertEquals("connection reset", e.getCause().getMessage());
        assertEquals(Lookup.ABSENT, storage.open(slot("a/broken")));
        assertEquals(List.of(), storedFiles());
        assertTempEmpty();
    }

    @Test
    void aLongerBodyIsCutAtTheAnnouncedLength() throws IOException {
        storage.store(NewFile.of(slot("a/cut"), 3, "text/plain"), new ByteArrayInputStream("abcdef".getBytes(StandardCharsets.US_ASCII)));

        assertEquals("abc", new String(read(found("a/cut")), StandardCharsets.US_ASCII));
    }

    @Test
    void ofConcurrentUploadsToOnePathExactlyOneWins() throws Exception {
        int uploads = 24;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(uploads);
        List<Future<Boolean>> results = new ArrayList<>();
        for (int i = 0; i < uploads; i++) {
            byte[] content = ("upload number " + (100 + i)).getBytes(StandardCharsets.UTF_8);
            Callable<Boolean> upload = () -> {
                start.await();
                try {
                    storage.store(NewFile.of(slot("race/file"), content.length, "text/plain"), new ByteArrayInputStream(content));
                    return true;
                } catch (AlreadyStoredException e) {
                    return false;
                }
            };
            results.add(pool.submit(upload));
        }
        start.countDown();
        int winners = 0;
        for (Future<Boolean> result : results) {
            winners += result.get() ? 1 : 0;
        }
        pool.shutdown();

        assertEquals(1, winners);
        assertTrue(new String(read(found("race/file")), StandardCharsets.UTF_8).matches("upload number 1\\d\\d"));
        assertEquals(HEADER + "upload number 100".length(), storage.storedBytes(), "only the winner is counted");
        assertTempEmpty();
    }

    @Test
    void requestTextNeverBecomesAFileName() throws IOException {
        String path = "escape attempt/%2e%2e;x?y#z 日本.txt";
        storage.store(NewFile.of(slot(path), 1, "text/plain"), body(1));

        try (Stream<Path> all = Files.walk(root)) {
            assertTrue(all.noneMatch(p -> p.getFileName().toString().contains("escape")), "no segment became a name");
        }
        assertEquals(List.of(StorageLayout.storedFile(root, slot(path).value())), storedFiles());
        assertTrue(onlyStoredFile().getFileName().toString().matches("[0-9a-f]{64}"));
    }

    @Test
    void reopeningDeletesOnlyOurUnfinishedUploads() throws IOException {
        Path tmp = root.resolve("tmp");
        Path ours = Files.write(tmp.resolve("0b9c7c62-3a4e-4a2f-9a51-6c0e3f7f1d2e.part"), new byte[100]);
        Path probe = Files.write(tmp.resolve("probe-0b9c7c62-3a4e-4a2f-9a51-6c0e3f7f1d2f.part"), new byte[1]);
        Path foreign = Files.writeString(tmp.resolve("notes.part"), "not a uuid");
        Path outside = Files.writeString(root.getParent().resolve("outside-" + System.nanoTime()), "keep me");
        Path link = Files.createSymbolicLink(tmp.resolve("1b9c7c62-3a4e-4a2f-9a51-6c0e3f7f1d2e.part"), outside);
        try {
            LocalStorage.open(StorageSettings.in(root), clock);

            assertTrue(Files.notExists(ours));
            assertTrue(Files.notExists(probe));
            assertTrue(Files.exists(foreign));
            assertTrue(Files.exists(link, LinkOption.NOFOLLOW_LINKS), "a link is not ours, even with our name");
            assertEquals("keep me", Files.readString(outside));
        } finally {
            Files.deleteIfExists(outside);
        }
    }

    @Test
    void anotherInstanceStartingOnTheDirectoryLeavesAnUploadInProgressAlone() throws Exception {
        byte[] content = "half now, half after the other instance started".getBytes(StandardCharsets.UTF_8);
        CountDownLatch halfWritten = new CountDownLatch(1);
        CountDownLatch othersStarted = new CountDownLatch(1);
        InputStream body = new ByteArrayInputStream(content) {
            @Override
            public synchronized int read(byte[] buffer, int offset, int length) {
                if (pos == content.length / 2) {
                    halfWritten.countDown();
                    await(othersStarted);
                }
                return super.read(buffer, offset, Math.min(length, Math.max(1, content.length / 2 - pos)));
            }
        };
        ExecutorService uploader = Executors.newSingleThreadExecutor();
        try {
            Future<?> upload = uploader.submit(() -> {
                storage.store(NewFile.of(slot("busy/file.txt"), content.length, "text/plain"), body);
                return null;
            });
            assertTrue(halfWritten.await(20, TimeUnit.SECONDS));
            assertEquals(1, temporaryFiles().size());

            LocalStorage.open(StorageSettings.in(root), clock); // the other instance's start
            assertEquals(1, temporaryFiles().size(), "the upload in progress keeps its temporary file");
            othersStarted.countDown();

            upload.get(20, TimeUnit.SECONDS);
            assertArrayEquals(content, read(found("busy/file.txt")));
            assertTempEmpty();
        } finally {
            othersStarted.countDown();
            uploader.shutdownNow();
        }
    }

    @Test
    void aTemporaryFileLockedByAnotherProcessIsKeptUntilItsLockIsGone() throws Exception {
        Path busy = Files.write(root.resolve("tmp").resolve("2b9c7c62-3a4e-4a2f-9a51-6c0e3f7f1d2e.part"), new byte[100]);
        // Another process's POSIX record lock, the kind the JDK takes: Python's fcntl.lockf.
        Process other = new ProcessBuilder("python3", "-c", "import fcntl, sys, time\n"
                + "f = open(sys.argv[1], 'r+')\nfcntl.lockf(f, fcntl.LOCK_EX)\nprint('locked', flush=True)\ntime.sleep(60)",
                busy.toString()).redirectErrorStream(true).start();
        try {
            assertEquals("locked", new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8)).readLine());
            LocalStorage.open(StorageSettings.in(root), clock);
            assertTrue(Files.exists(busy), "another process is still writing it");
        } finally {
            other.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
        }
        LocalStorage.open(StorageSettings.in(root), clock);
        assertTrue(Files.notExists(busy), "its writer is gone: an upload cut short, deleted at start");
    }

    private List<Path> temporaryFiles() throws IOException {
        try (Stream<Path> files = Files.list(root.resolve("tmp"))) {
            return files.toList();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            assertTrue(latch.await(20, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void openingOnAFileInsteadOfADirectoryFails() throws IOException {
        Path notADirectory = Files.writeString(root.resolve("plain-file"), "x");

        assertThrows(IOException.class, () -> LocalStorage.open(StorageSettings.in(notADirectory.resolve("storage")), clock));
        assertThrows(IOException.class, () -> LocalStorage.open(StorageSettings.in(notADirectory), clock));
    }

    @Test
    void aShardReplacedByASymbolicLinkIsNeverFollowed() throws IOException {
        Path outside = Files.createDirectories(root.getParent().resolve("outside-" + System.nanoTime()));
        try {
            Path stored = StorageLayout.storedFile(root, "a/linked");
            Path shard = stored.getParent();
            Files.delete(shard);
            Files.createSymbolicLink(shard, outside);

            assertThrows(IOException.class, () -> storage.store(NewFile.of(slot("a/linked"), 1, "text/plain"), UNREADABLE));
            try (Stream<Path> planted = Files.list(outside)) {
                assertEquals(List.of(), planted.toList());
            }
            // A real stored file planted behind the link is not served either.
            Path elsewhere = Files.createDirectories(root.resolve("elsewhere"));
            LocalStorage.open(StorageSettings.in(elsewhere), clock).store(NewFile.of(slot("a/linked"), 1, "text/plain"), body(1));
            Files.copy(StorageLayout.storedFile(elsewhere, "a/linked"), outside.resolve(stored.getFileName()));
            assertEquals(Lookup.ABSENT, storage.open(slot("a/linked")));
            assertFalse(storage.delete(slot("a/linked")));
            assertTrue(Files.exists(outside.resolve(stored.getFileName())), "nothing deleted behind the link");
        } finally {
            io.github.httpupload.testsupport.TempDirs.delete(outside);
        }
    }

    // ---- delete --------------------------------------------------------------------------------

    @Test
    void deleteSaysWhetherThereWasAFile() throws IOException {
        storage.store(NewFile.of(slot("a/del"), 7, "text/plain"), body(7));

        assertTrue(storage.delete(slot("a/del")));
        assertFalse(storage.delete(slot("a/del")));
        assertFalse(storage.delete(slot("a/never")));
        assertEquals(List.of(), storedFiles());
        assertEquals(0, storage.storedBytes(), "a deletion gives its bytes back");
    }

    // ---- limits ----------------------------------------------------------------------------------

    @Test
    void maxStorageSizeRefusesAnUploadBeforeReadingItsBodyAndCountsDeletionsAndStartUp() throws IOException {
        long limit = 2L * (HEADER + 1000);
        LocalStorage limited = LocalStorage.open(StorageSettings.in(root).withMaxStorageSize(limit), clock);
        limited.store(NewFile.of(slot("a/1"), 1000, "text/plain"), body(1000));
        limited.store(NewFile.of(slot("a/2"), 1000, "text/plain"), body(1000));
        assertEquals(limit, limited.storedBytes());

        StorageFullException full = assertThrows(StorageFullException.class,
                () -> limited.store(NewFile.of(slot("a/3"), 1, "text/plain"), UNREADABLE));
        assertTrue(full.getMessage().contains("storage limit"), full.getMessage());

        // The total is counted again at start: a restarted storage refuses too.
        LocalStorage restarted = LocalStorage.open(StorageSettings.in(root).withMaxStorageSize(limit), clock);
        assertEquals(limit, restarted.storedBytes());
        assertThrows(StorageFullException.class, () -> restarted.store(NewFile.of(slot("a/3"), 1, "text/plain"), UNREADABLE));

        assertTrue(restarted.delete(slot("a/1")));
        restarted.store(NewFile.of(slot("a/3"), 1000, "text/plain"), body(1000));
        assertEquals(limit, restarted.storedBytes());
        assertEquals(Lookup.ABSENT, restarted.open(slot("a/4")));
        assertTempEmpty();
    }

    @Test
    void aFailedUploadGivesItsReservationBack() throws IOException {
        long limit = HEADER + 1000;
        LocalStorage limited = LocalStorage.open(StorageSettings.in(root).withMaxStorageSize(limit), clock);

        assertThrows(IncompleteUploadException.class, () -> limited.store(NewFile.of(slot("a/short"), 1000, "text/plain"), body(10)));

        assertEquals(0, limited.storedBytes());
        limited.store(NewFile.of(slot("a/whole"), 1000, "text/plain"), body(1000));
        assertEquals(limit, limited.storedBytes());
    }

    @Test
    void aFileDeletedByHandFreesItsQuotaAtTheNextStart() throws IOException {
        long limit = HEADER + 1000;
        LocalStorage limited = LocalStorage.open(StorageSettings.in(root).withMaxStorageSize(limit), clock);
        limited.store(NewFile.of(slot("a/1"), 1000, "text/plain"), body(1000));
        Files.delete(onlyStoredFile()); // an operator's rm

        assertThrows(StorageFullException.class, () -> limited.store(NewFile.of(slot("a/2"), 1000, "text/plain"), UNREADABLE));
        limited.sweep();
        assertEquals(limit, limited.storedBytes(), "a sweep does not recount");
        LocalStorage restarted = LocalStorage.open(StorageSettings.in(root).withMaxStorageSize(limit), clock);
        assertEquals(0, restarted.storedBytes());
        restarted.store(NewFile.of(slot("a/2"), 1000, "text/plain"), body(1000));
    }

    @Test
    void minFreeSpaceRefusesAnUploadBeforeReadingItsBody() throws IOException {
        long wholeDisk = Files.getFileStore(root).getTotalSpace();
        LocalStorage limited = LocalStorage.open(StorageSettings.in(root).withMinFreeSpace(wholeDisk), clock);

        StorageFullException full = assertThrows(StorageFullException.class,
                () -> limited.store(NewFile.of(slot("a/1"), 1, "text/plain"), UNREADABLE));

        assertTrue(full.getMessage().contains("to keep free"), full.getMessage());
        assertEquals(Lookup.ABSENT, limited.open(slot("a/1")));
        assertTempEmpty();
    }

    // ---- the clean-up never hides the real error (regression) -----------------------------------

    @Test
    void whenTheTemporaryFileCannotBeDeletedTheIncompleteUploadIsStillWhatIsThrown() throws IOException {
        // While the body is read, the upload's temporary name is taken by a non-empty directory:
        // the clean-up's delete then fails (DirectoryNotEmptyException), as it could on a failing disk.
        Path[] blocked = new Path[1];
        InputStream body = new InputStream() {
            @Override
            public int read() {
                throw new AssertionError("read in blocks");
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (blocked[0] == null) {
                    blocked[0] = blockTemporaryName();
                    buffer[offset] = 'x';
                    return 1;
                }
                return -1; // the client went away
            }
        };

        IncompleteUploadException e = assertThrows(IncompleteUploadException.class,
                () -> storage.store(NewFile.of(slot("a/cleanup"), 100, "text/plain"), body));

        assertTrue(e.getMessage().contains("1 of 100"), e.getMessage());
        assertEquals(1, e.getSuppressed().length, Arrays.toString(e.getSuppressed()));
        assertInstanceOf(DirectoryNotEmptyException.class, e.getSuppressed()[0]);
        assertEquals(Lookup.ABSENT, storage.open(slot("a/cleanup")));
        assertEquals(List.of(), storedFiles());
        assertEquals(0, storage.storedBytes(), "the reservation is given back all the same");
        io.github.httpupload.testsupport.TempDirs.delete(blocked[0]);
        assertTempEmpty();
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /**
     * Replaces the one upload in progress in {@code tmp/} by a non-empty directory of the same
     * name (the open channel keeps writing to the unlinked file), so that deleting it fails.
     */
    private Path blockTemporaryName() throws IOException {
        Path temp;
        try (Stream<Path> inProgress = Files.list(root.resolve("tmp"))) {
            List<Path> all = inProgress.toList();
            assertEquals(1, all.size(), all.toString());
            temp = all.get(0);
        }
        Files.delete(temp);
        Files.createDirectory(temp);
        Files.writeString(temp.resolve("occupant"), "x");
        return temp;
    }

    /** A body that fails the test if the store reads it. */
    static final InputStream UNREADABLE = new InputStream() {
        @Override
        public int read() {
            throw new AssertionError("the body was read before the upload was refused");
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            throw new AssertionError("the body was read before the upload was refused");
        }
    };

    /** The slot path whose decoded value is {@code path} (percent-encoded as a request carries it, then parsed). */
    static SlotPath slot(String path) {
        StringBuilder raw = new StringBuilder();
        for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c == '/' || c == '-' || c == '.' || c == '_' || c == '~'
                    || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) {
                raw.append(c);
            } else {
                raw.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        try {
            SlotPath slot = SlotPath.parse(raw.toString());
            assertEquals(path, slot.value());
            return slot;
        } catch (InvalidSlotPathException e) {
            throw new AssertionError("invalid slot path: " + e.getMessage(), e);
        }
    }

    static InputStream body(int size) {
        return new ByteArrayInputStream(new byte[size]);
    }

    static byte[] read(StoredObject file) throws IOException {
        return read(file, 0, file.size());
    }

    static byte[] read(StoredObject file, long start, long end) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        file.writeTo(out, start, end);
        return out.toByteArray();
    }

    private StoredObject found(String path) throws IOException {
        Lookup lookup = storage.open(slot(path));
        assertEquals(Lookup.Status.FOUND, lookup.status(), path);
        return lookup.file().orElseThrow();
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

    private void assertTempEmpty() throws IOException {
        try (Stream<Path> temp = Files.list(root.resolve("tmp"))) {
            assertEquals(List.of(), temp.toList());
        }
    }

}
