package io.github.httpupload.storage;

import io.github.httpupload.testsupport.SmallFileSystem;
import io.github.httpupload.testsupport.TestClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mockito.MockedStatic;
import org.mockito.Mockito;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;

import static io.github.httpupload.storage.LocalStorageTest.body;
import static io.github.httpupload.storage.LocalStorageTest.slot;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyLong;

/**
 * A full disk is told by the space left, never by the error's text (regression: ENOSPC was
 * recognised by the English "No space left on device", so under a German C library a full disk
 * was a 500, and any error that happened to say so was a 507). The disk is a real, small tmpfs
 * ({@link SmallFileSystem}, needs root; those tests are skipped where it cannot be mounted). A
 * write error with a chosen message is injected by replacing {@link UploadWriter#write} on the
 * test's thread only.
 */
class StorageQuotaTest {

    private static final String GERMAN_ENOSPC = "Auf dem Gerät ist kein Speicherplatz mehr verfügbar";
    private static final String ENGLISH_ENOSPC = "No space left on device";

    @TempDir
    Path root;

    private final TestClock clock = TestClock.at(Instant.parse("2030-01-01T00:00:00Z"));
    private SmallFileSystem disk;

    @AfterEach
    void unmount() throws Exception {
        if (disk != null) {
            disk.close();
        }
    }

    /** A 2 MiB tmpfs, or the test is skipped. */
    private Path smallDisk() throws Exception {
        disk = SmallFileSystem.mount(root.resolve("small-disk"), 2);
        Assumptions.assumeTrue(disk.unavailableBecause() == null, disk.unavailableBecause());
        return disk.path();
    }

    // ---- explainsFailure itself --------------------------------------------------------------------

    @Test
    void aFailureIsExplainedByAFullDiskExactlyWhenLessThanTheBytesAreLeft() throws Exception {
        Path small = smallDisk();
        java.nio.file.FileStore volume = Files.getFileStore(small);
        StorageQuota quota = new StorageQuota(StorageSettings.UNLIMITED, 0, volume, new Storage.Totals(0, 0));
        long roomy = volume.getUsableSpace();
        assertTrue(roomy > 1024 * 1024, "a fresh 2 MiB disk: " + roomy);

        assertFalse(quota.explainsFailure(1000), "plenty of space: some other failure");
        assertTrue(quota.explainsFailure(roomy + 1), "more than is left");

        fill(small);
        long left = volume.getUsableSpace();
        assertTrue(left < 64 * 1024, "filled: " + left);
        assertTrue(quota.explainsFailure(left + 1));
        assertTrue(quota.explainsFailure(100_000));
    }

    @Test
    void onAHugeDiskNoSmallWriteFailureIsExplainedBySpace() throws IOException {
        StorageQuota quota = new StorageQuota(StorageSettings.UNLIMITED, 0, Files.getFileStore(root), new Storage.Totals(0, 0));

        assertFalse(quota.explainsFailure(1));
        assertFalse(quota.explainsFailure(1024 * 1024));
    }

    // ---- through the storage, the message never matters -------------------------------------------

    @Test
    void aWriteErrorInAnyLanguageOnANearlyFullDiskIsStorageFull() throws Exception {
        Path small = smallDisk();
        LocalStorage storage = LocalStorage.open(StorageSettings.in(small.resolve("storage")), clock);
        IOException german = new IOException(GERMAN_ENOSPC);
        Path filler;
        StorageFullException full;
        try (MockedStatic<UploadWriter> writer = Mockito.mockStatic(UploadWriter.class)) {
            // Another process fills the disk while this upload is written; the write fails in German.
            writer.when(() -> UploadWriter.write(any(), any(), any(), anyLong())).thenAnswer(call -> {
                fill(small);
                throw german;
            });
            full = assertThrows(StorageFullException.class,
                    () -> storage.store(NewFile.of(slot("a/big"), 200_000, "application/octet-stream"), body(200_000)));
        }
        filler = small.resolve("filler");

        assertSame(german, full.getCause(), "the real error is kept as the cause");
        assertEquals(0, full.getSuppressed().length, Arrays.toString(full.getSuppressed()));
        assertEquals(Lookup.ABSENT, storage.open(slot("a/big")));
        assertTempEmpty(small.resolve("storage"));
        // The operator frees space: the reservation was given back, uploads work again.
        Files.delete(filler);
        storage.store(NewFile.of(slot("a/big"), 200_000, "application/octet-stream"), body(200_000));
        assertEquals(200_000, storage.open(slot("a/big")).file().orElseThrow().size());
    }

    @Test
    void withPlentyOfSpaceAWriteErrorStaysWhatItIsWhateverItSays() throws IOException {
        LocalStorage storage = LocalStorage.open(StorageSettings.in(root.resolve("storage")), clock);
        for (String message : List.of(GERMAN_ENOSPC, ENGLISH_ENOSPC, "Input/output error")) {
            IOException failure = new IOException(message);
            IOException thrown;
            try (MockedStatic<UploadWriter> writer = Mockito.mockStatic(UploadWriter.class)) {
                writer.when(() -> UploadWriter.write(any(), any(), any(), anyLong())).thenThrow(failure);
                thrown = assertThrows(IOException.class,
                        () -> storage.store(NewFile.of(slot("a/" + message.length()), 10, "text/plain"), body(10)));
            }
            assertSame(failure, thrown, message + ": not turned into anything else");
            assertFalse(thrown instanceof StorageFullException);
            assertEquals(Lookup.ABSENT, storage.open(slot("a/" + message.length())));
        }
        assertTempEmpty(root.resolve("storage"));
        assertEquals(0, storage.storedBytes());
    }

    @Test
    void aRealEnospcWhileWritingIsStorageFullAndKeepsNothing() throws Exception {
        Path small = smallDisk();
        LocalStorage storage = LocalStorage.open(StorageSettings.in(small.resolve("storage")), clock);

        // Fits the free space when admitted; the disk fills while the body arrives.
        StorageFullException full = assertThrows(StorageFullException.class,
                () -> storage.store(NewFile.of(slot("a/big"), 500_000, "application/octet-stream"), fillingBody(small, false)));

        assertInstanceOf(IOException.class, full.getCause(), "the kernel's ENOSPC, whatever its text");
        assertEquals(Lookup.ABSENT, storage.open(slot("a/big")));
        assertTempEmpty(small.resolve("storage"));
        Files.delete(small.resolve("filler"));
        storage.store(NewFile.of(slot("a/big"), 500_000, "application/octet-stream"), body(500_000));
    }

    @Test
    void whenTheDiskIsFullAndTheCleanUpFailsTooStorageFullIsStillWhatIsThrown() throws Exception {
        Path small = smallDisk();
        LocalStorage storage = LocalStorage.open(StorageSettings.in(small.resolve("storage")), clock);

        StorageFullException full = assertThrows(StorageFullException.class,
                () -> storage.store(NewFile.of(slot("a/big"), 500_000, "application/octet-stream"), fillingBody(small, true)));

        assertEquals(1, full.getSuppressed().length, Arrays.toString(full.getSuppressed()));
        assertInstanceOf(DirectoryNotEmptyException.class, full.getSuppressed()[0], "the clean-up failure rides along");
        assertEquals(Lookup.ABSENT, storage.open(slot("a/big")));
        assertEquals(0, storage.storedBytes());
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /**
     * A body of zeros that, on its first read, fills the disk (and, when {@code blockCleanUp},
     * first takes the upload's temporary name with a non-empty directory, so its clean-up fails).
     */
    private static InputStream fillingBody(Path disk, boolean blockCleanUp) {
        return new InputStream() {
            private boolean filled;

            @Override
            public int read() {
                throw new AssertionError("read in blocks");
            }

            @Override
            public int read(byte[] buffer, int offset, int length) throws IOException {
                if (!filled) {
                    filled = true;
                    if (blockCleanUp) {
                        Path tmp = disk.resolve("storage").resolve("tmp");
                        Path temp;
                        try (Stream<Path> inProgress = Files.list(tmp)) {
                            temp = inProgress.findFirst().orElseThrow();
                        }
                        Files.delete(temp);
                        Files.createDirectory(temp);
                        Files.writeString(temp.resolve("occupant"), "x");
                    }
                    fill(disk);
                }
                Arrays.fill(buffer, offset, offset + length, (byte) 0);
                return length;
            }
        };
    }

    /** Writes {@code filler} on the disk until the kernel refuses (ENOSPC). */
    private static void fill(Path disk) throws IOException {
        try (FileChannel filler = FileChannel.open(disk.resolve("filler"), StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND)) {
            ByteBuffer block = ByteBuffer.allocate(4096);
            while (true) {
                block.clear();
                filler.write(block);
            }
        } catch (IOException e) {
            // full
        }
    }

    private static void assertTempEmpty(Path storage) throws IOException {
        try (Stream<Path> temp = Files.list(storage.resolve("tmp"))) {
            assertEquals(List.of(), temp.toList());
        }
    }
}
