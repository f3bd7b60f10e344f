package io.github.httpupload.storage;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FileStoreTest {

    @TempDir
    Path root;

    private FileStore store;

    @BeforeEach
    void open() throws IOException {
        store = FileStore.open(root, StoreOptions.defaults());
    }

    @Test
    void storesAndReadsBackContentAndMetadata() throws IOException {
        byte[] content = "hello, world".getBytes(StandardCharsets.UTF_8);

        store.store(NewFile.of("a/hello.txt", content.length, "text/plain"), new ByteArrayInputStream(content));

        try (StoredFile file = store.open("a/hello.txt").orElseThrow()) {
            assertEquals(content.length, file.size());
            assertEquals("text/plain", file.contentType());
            assertEquals("a/hello.txt", file.slotPath());
            assertArrayEquals(content, read(file));
        }
        assertTrue(isStored("a/hello.txt"));
        assertTrue(store.open("a/other.txt").isEmpty());
        assertTempEmpty();
    }

    @Test
    void aLongUnicodeNameWorks() throws IOException {
        String path = "4a771ac1-f0b2-4a4a-9700-f2a26fa2bb67/" + "é".repeat(100) + "日".repeat(100) + ".txt";
        byte[] content = {1, 2, 3};

        store.store(NewFile.of(path, 3, "application/octet-stream"), new ByteArrayInputStream(content));

        try (StoredFile file = store.open(path).orElseThrow()) {
            assertEquals(path, file.slotPath());
            assertArrayEquals(content, read(file));
        }
    }

    @Test
    void contentStartsOnAPageBoundaryAndSmallFilesAreHeldInMemory() throws IOException {
        byte[] content = new byte[10_000];
        new java.util.Random(1).nextBytes(content);
        String longPath = "a/" + "日".repeat(2000); // a header of about 6 KiB
        store.store(NewFile.of("a/short-name", content.length, "image/png"), new ByteArrayInputStream(content));
        store.store(NewFile.of(longPath, content.length, "image/png"), new ByteArrayInputStream(content));

        for (String path : List.of("a/short-name", longPath)) {
            try (StoredFile file = store.open(path).orElseThrow()) {
                assertEquals(0, file.contentOffset() % 4096, path);
                assertEquals(path, file.slotPath());
                assertArrayEquals(content, read(file));
                ByteBuffer prefetched = file.prefetched();
                byte[] head = new byte[prefetched.remaining()];
                prefetched.get(head);
                assertArrayEquals(java.util.Arrays.copyOf(content, head.length), head, path);
            }
        }
        try (StoredFile file = store.open("a/short-name").orElseThrow()) {
            assertEquals(4096, file.contentOffset());
            assertEquals(10_000, file.prefetched().remaining(), "a small file is read whole");
        }
    }

    @Test
    void aLargeFileIsReadFromDisk() throws IOException {
        byte[] content = new byte[300_000];
        new java.util.Random(2).nextBytes(content);
        store.store(NewFile.of("a/large", content.length, "video/mp4"), new ByteArrayInputStream(content));

        try (StoredFile file = store.open("a/large").orElseThrow()) {
            assertEquals(0, file.prefetched().remaining());
            assertArrayEquals(content, read(file));
            ByteBuffer tail = ByteBuffer.allocate(10);
            assertEquals(10, file.read(tail, content.length - 10));
            assertArrayEquals(java.util.Arrays.copyOfRange(content, content.length - 10, content.length), tail.array());
            assertEquals(-1, file.read(ByteBuffer.allocate(1), content.length));
        }
    }

    @Test
    void reopeningSweepsOnlyOurUnfinishedUploads() throws IOException {
        Path tmp = root.resolve("tmp");
        Path ours = Files.write(tmp.resolve("0b9c7c62-3a4e-4a2f-9a51-6c0e3f7f1d2e.part"), new byte[100]);
        Path probe = Files.write(tmp.resolve("probe-0b9c7c62-3a4e-4a2f-9a51-6c0e3f7f1d2f.part"), new byte[1]);
        Path foreign = Files.writeString(tmp.resolve("notes.part"), "not a uuid");
        Path outside = Files.writeString(root.getParent().resolve("outside-" + System.nanoTime()), "keep me");
        Path link = Files.createSymbolicLink(tmp.resolve("1b9c7c62-3a4e-4a2f-9a51-6c0e3f7f1d2e.part"), outside);
        try {
            FileStore.open(root, StoreOptions.defaults());

            assertTrue(Files.notExists(ours));
            assertTrue(Files.notExists(probe));
            assertTrue(Files.exists(foreign));
            assertTrue(Files.exists(link, java.nio.file.LinkOption.NOFOLLOW_LINKS), "a link is not ours, even with our name");
            assertEquals("keep me", Files.readString(outside));
        } finally {
            Files.deleteIfExists(outside);
        }
    }

    @Test
    void anEmptyFileIsAFile() throws IOException {
        store.store(NewFile.of("a/empty", 0, "text/plain"), InputStream.nullInputStream());

        try (StoredFile file = store.open("a/empty").orElseThrow()) {
            assertEquals(0, file.size());
        }
    }

    @Test
    void neverReplacesAStoredFile() throws IOException {
        store.store(NewFile.of("a/b", 5, "text/plain"), new ByteArrayInputStream("first".getBytes(StandardCharsets.UTF_8)));

        assertThrows(AlreadyStoredException.class,
                () -> store.store(NewFile.of("a/b", 6, "text/html"), new ByteArrayInputStream("second".getBytes(StandardCharsets.UTF_8))));

        try (StoredFile file = store.open("a/b").orElseThrow()) {
            assertEquals("first", new String(read(file), StandardCharsets.UTF_8));
            assertEquals("text/plain", file.contentType());
        }
        assertTempEmpty();
    }

    @Test
    void aShortBodyKeepsNothing() throws IOException {
        assertThrows(IncompleteUploadException.class,
                () -> store.store(NewFile.of("a/short", 10, "text/plain"), new ByteArrayInputStream(new byte[4])));

        assertTrue(store.open("a/short").isEmpty());
        assertTempEmpty();
        store.store(NewFile.of("a/short", 4, "text/plain"), new ByteArrayInputStream(new byte[4]));
        assertTrue(isStored("a/short"));
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
                () -> store.store(NewFile.of("a/broken", 1000, "text/plain"), breaksOff));

        assertEquals("connection reset", e.getCause().getMessage());
        assertTrue(store.open("a/broken").isEmpty());
        assertTempEmpty();
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
                    store.store(NewFile.of("race/file", content.length, "text/plain"), new ByteArrayInputStream(content));
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
        try (StoredFile file = store.open("race/file").orElseThrow()) {
            assertTrue(new String(read(file), StandardCharsets.UTF_8).matches("upload number 1\\d\\d"));
        }
        assertTempEmpty();
    }

    @Test
    void requestTextNeverBecomesAFileName() throws IOException {
        store.store(NewFile.of("../../escape/attempt", 1, "text/plain"), new ByteArrayInputStream(new byte[1]));

        try (Stream<Path> all = Files.walk(root.getParent(), 1)) {
            assertTrue(all.noneMatch(p -> p.getFileName().toString().equals("escape")));
        }
        try (Stream<Path> stored = Files.walk(root.resolve("files"))) {
            assertTrue(stored.filter(Files::isRegularFile).allMatch(p -> p.getFileName().toString().matches("[0-9a-f]{64}")));
        }
    }

    @Test
    void openingOnAFileInsteadOfADirectoryFails() throws IOException {
        Path notADirectory = Files.writeString(root.resolve("plain-file"), "x");

        assertThrows(IOException.class, () -> FileStore.open(notADirectory.resolve("storage"), StoreOptions.defaults()));
    }

    private boolean isStored(String path) throws IOException {
        Optional<StoredFile> file = store.open(path);
        if (file.isPresent()) {
            file.get().close();
        }
        return file.isPresent();
    }

    private void assertTempEmpty() throws IOException {
        try (Stream<Path> temp = Files.list(root.resolve("tmp"))) {
            assertEquals(List.of(), temp.toList());
        }
    }

    private static byte[] read(StoredFile file) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate((int) file.size());
        while (buffer.hasRemaining() && file.read(buffer, buffer.position()) >= 0) {
            // reads until full
        }
        return buffer.array();
    }
}
