package io.github.httpupload.web;

import io.github.httpupload.config.Parameters;
import io.github.httpupload.testsupport.LogCapture;
import io.github.httpupload.testsupport.RawHttp;
import io.github.httpupload.testsupport.RawHttp.Response;
import io.github.httpupload.testsupport.SmallFileSystem;
import io.github.httpupload.testsupport.StorageBackend;
import io.github.httpupload.testsupport.StorageLayout;
import io.github.httpupload.testsupport.TestServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The HTTP contract on the local directory, plus what only a directory has: a disk that fills,
 * a stored file grown on disk to 3 GiB, and sendfile from the file. Subclasses say the container.
 */
abstract class LocalUploadContract extends UploadContract {

    /** Whether the container offers zero-copy sendfile to servlets (Tomcat does, Jetty does not). */
    abstract boolean offersSendfile();

    @Override
    final StorageBackend backend() {
        return StorageBackend.LOCAL;
    }

    @Test
    void aFullDiskAnswers507KeepsNothingAndRecovers() throws Exception {
        try (SmallFileSystem disk = SmallFileSystem.mount(sandbox().resolve("small-disk"), 4)) {
            Assumptions.assumeTrue(disk.unavailableBecause() == null, disk.unavailableBecause());
            Path storage = disk.path().resolve("storage");
            try (TestServer small = container().start(Map.of(
                    Parameters.SECRET, SECRET,
                    Parameters.STORAGE_DIR, storage.toString()), true)) {
                assertTrue(small.started());
                String first = newSlot() + "/first.bin";
                byte[] big = new byte[2_500_000];
                new java.util.Random(5).nextBytes(big);
                assertEquals(201, putTo(small, first, big).status());

                // Announced larger than the free space: refused before the body is read.
                assertPlainTextError(507, putTo(small, newSlot() + "/too-big.bin", big));
                // Several that each fit the free space but not together: the disk fills while writing.
                List<Response> racing = parallelPuts(small, 3, 1_200_000);
                assertTrue(racing.stream().allMatch(r -> r.status() == 201 || r.status() == 507), racing.toString());
                assertTrue(racing.stream().anyMatch(r -> r.status() == 507), "the disk never filled: " + racing);
                try (Stream<Path> temp = Files.list(storage.resolve("tmp"))) {
                    assertEquals(List.of(), temp.toList(), "nothing partial is kept");
                }
                Response stillServed = RawHttp.request("GET", url(first)).send(small.port());
                assertArrayEquals(big, stillServed.body(), "downloads go on while the disk is full");

                try (Stream<Path> stored = Files.walk(storage.resolve("files"))) {
                    for (Path file : stored.filter(Files::isRegularFile).toList()) {
                        Files.delete(file); // the operator frees space
                    }
                }
                assertEquals(201, putTo(small, newSlot() + "/after.bin", big).status(), "uploads work again");
            }
        }
    }

    @Test
    void aThreeGiBFileIsServedWithLongLengthsAndOffsets() throws IOException {
        String path = stored("sparse.bin", 1_000);
        long size = 3L * 1024 * 1024 * 1024 + 7;
        Path file = storedFileOf(path);
        long header = Files.size(file) - 1_000;
        try (java.io.RandomAccessFile sparse = new java.io.RandomAccessFile(file.toFile(), "rw")) {
            // Stored files never change; this test grows one on disk, sparsely, to reach 3 GiB cheaply.
            sparse.setLength(header + size);
            sparse.seek(header + size - 3);
            sparse.write(new byte[] {'e', 'n', 'd'});
        }

        Response head = RawHttp.request("HEAD", url(path)).send(port());
        Response tail = RawHttp.request("GET", url(path)).header("Range", "bytes=-100000").send(port());
        Response middle = RawHttp.request("GET", url(path)).header("Range", "bytes=2147483640-2147483659").send(port());

        assertEquals(Long.toString(size), head.header("Content-Length"));
        assertEquals(206, tail.status());
        assertEquals("bytes " + (size - 100_000) + "-" + (size - 1) + "/" + size, tail.header("Content-Range"));
        assertEquals(100_000, tail.body().length);
        assertEquals("end", new String(tail.body(), 100_000 - 3, 3, StandardCharsets.US_ASCII));
        assertEquals(206, middle.status());
        assertArrayEquals(new byte[20], middle.body());
    }

    @Test
    void largeGetBodiesUseSendfileWhereTheContainerOffersIt() throws IOException {
        String large = stored("large.bin", 200_000);
        String small = stored("small.bin", 1_000);

        String log;
        Response fullGet;
        Response rangeGet;
        try (LogCapture capture = new LogCapture(Level.FINE)) {
            fullGet = get(large);
            rangeGet = RawHttp.request("GET", url(large)).header("Range", "bytes=100000-199999").send(port());
            assertEquals(200, RawHttp.request("HEAD", url(large)).send(port()).status());
            assertEquals(200, get(small).status());
            log = capture.text();
        }

        assertEquals(200_000, fullGet.body().length);
        assertArrayEquals(java.util.Arrays.copyOfRange(fullGet.body(), 100_000, 200_000), rangeGet.body());
        List<String> sendfiles = log.lines().filter(line -> line.contains(": sendfile ")).toList();
        if (offersSendfile()) {
            // One for the full GET, one for the range (offsets past the stored header); none for HEAD or small files.
            assertEquals(2, sendfiles.size(), log);
            assertTrue(sendfiles.stream().allMatch(line -> line.contains(large)), log);
        } else {
            assertEquals(List.of(), sendfiles);
        }
    }

    /** Where the store keeps {@code path}: files/<2 hex>/<sha-256 hex> (README, Storage layout). */
    private Path storedFileOf(String path) {
        return StorageLayout.storedFile(sandbox().resolve(MAIN_STORE), path);
    }
}
