package io.github.httpupload.web;

import io.github.httpupload.auth.TokenProtocol;
import io.github.httpupload.config.Parameters;
import io.github.httpupload.testsupport.RawHttp;
import io.github.httpupload.testsupport.StorageLayout;
import io.github.httpupload.testsupport.SweeperThreads;
import io.github.httpupload.testsupport.RawHttp.Response;
import io.github.httpupload.testsupport.TempDirs;
import io.github.httpupload.testsupport.TestServer;
import io.github.httpupload.testsupport.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.IntPredicate;
import java.util.stream.Stream;

import static io.github.httpupload.web.UploadContract.bytes;
import static io.github.httpupload.web.UploadContract.newSlot;
import static io.github.httpupload.web.UploadContract.url;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * How files go away and how storage stays bounded, over real sockets on every container: the
 * background sweeper (expireAfter, a Bearer token's expires), tombstones (410 for GET and a
 * replayed PUT), maxStorageSize and minFreeSpace (507 before the body), and the sweeper thread's
 * lifecycle across a redeploy and an undeploy. Waits are bounded polls, never timing assertions.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RetentionContract {

    private static final String SECRET = "retention secret";
    private static final String DELETE_SECRET = "retention delete secret";
    /** A small file's size on disk: the 4 KiB header page plus its bytes. */
    private static final int HEADER = 4096;

    private final Tokens tokens = new Tokens(SECRET);
    private Path sandbox;

    abstract TestServer.Factory container();

    @BeforeAll
    void createSandbox() throws IOException {
        sandbox = Files.createTempDirectory("retention");
    }

    @AfterAll
    void deleteSandbox() throws IOException {
        TempDirs.delete(sandbox);
    }

    @Test
    void filesExpireAfterTheConfiguredTimeThenTheirUrlsAnswer410UntilTheTombstoneExpires() throws Exception {
        Path storage = sandbox.resolve("expire-after");
        try (TestServer server = start(storage, Map.of(
                Parameters.EXPIRE_AFTER, "PT1S",
                Parameters.TOMBSTONE_RETENTION, "PT6S",
                Parameters.SWEEP_INTERVAL, "PT1S"))) {
            String path = newSlot() + "/ephemeral.txt";
            byte[] content = bytes("here for a second");
            String putUrl = url(path) + "?v2=" + tokens.sign(TokenProtocol.V2, path, content.length, "text/plain");
            // (Not asserting a 200 in between: on a stalled machine the file may be gone already.)
            assertEquals(201, put(server, putUrl, content).status());

            awaitStatus(server, path, status -> status == 410, "the expired file is still served");
            awaitGone(StorageLayout.storedFile(storage, path), "the expired file was not swept");
            UploadContract.assertPlainTextError(410, put(server, putUrl, content)); // the replay is refused
            // Past the tombstone's retention the path is forgotten, like one never used.
            awaitStatus(server, path, status -> status == 404, "the tombstone was not purged");
        }
    }

    @Test
    void expiryHoldsAtOnceWhateverTheSweepInterval() throws Exception {
        Path storage = sandbox.resolve("expiry-without-sweep");
        // The sweep runs at start and then only after an hour: expiry must not wait for it.
        try (TestServer server = start(storage, Map.of(Parameters.EXPIRE_AFTER, "PT2S", Parameters.DELETE_SECRET, DELETE_SECRET))) {
            String path = newSlot() + "/short-lived.txt";
            byte[] content = bytes("gone in two seconds");
            String putUrl = url(path) + "?v2=" + tokens.sign(TokenProtocol.V2, path, content.length, "text/plain");
            assertEquals(201, put(server, putUrl, content).status());

            awaitStatus(server, path, status -> status == 410, "the expired file is still served");

            assertTrue(Files.exists(StorageLayout.storedFile(storage, path)), "no sweep ran, so its bytes are still on disk");
            assertEquals(410, RawHttp.request("HEAD", url(path)).send(server.port()).status());
            UploadContract.assertPlainTextError(410, put(server, putUrl, content)); // as after a sweep, not 409
            Response delete = RawHttp.request("DELETE", url(path) + "?token=" + tokens.deleteToken(path, DELETE_SECRET))
                    .send(server.port());
            assertEquals(404, delete.status(), delete.text()); // as for a file deleted already
            assertEquals(410, get(server, path).status());
        }
    }

    @Test
    void aBearerTokensExpiresDeletesThatFileOnly() throws Exception {
        Path storage = sandbox.resolve("per-file-expiry");
        try (TestServer server = start(storage, Map.of(Parameters.SWEEP_INTERVAL, "PT1S"))) {
            String shortSlot = newSlot();
            String longSlot = newSlot();
            byte[] content = bytes("per-file expiry");
            assertEquals(201, bearerPut(server, shortSlot, content, Instant.now().plusSeconds(1)).status());
            assertEquals(201, bearerPut(server, longSlot, content, Instant.now().plusSeconds(3600)).status());

            awaitStatus(server, shortSlot + "/f.txt", status -> status == 410, "the file past its expires was not swept");

            Response kept = get(server, longSlot + "/f.txt");
            assertEquals(200, kept.status());
            assertArrayEquals(content, kept.body());
            // Caches may keep it only as long as it lives here: under an hour, not a year.
            long maxAge = Long.parseLong(kept.header("Cache-Control").replaceAll(".*max-age=(\\d+).*", "$1"));
            assertTrue(maxAge > 3000 && maxAge <= 3600, kept.header("Cache-Control"));
        }
    }

    @Test
    void anUploadThatWouldExceedMaxStorageSizeIs507BeforeItsBodyAndFitsAgainAfterADelete() throws Exception {
        Path storage = sandbox.resolve("max-storage");
        int size = 10_000;
        try (TestServer server = start(storage, Map.of(
                Parameters.MAX_STORAGE_SIZE, Integer.toString(3 * (HEADER + size) - 1),
                Parameters.DELETE_SECRET, DELETE_SECRET))) {
            String first = newSlot() + "/1.bin";
            assertEquals(201, v2Put(server, first, new byte[size]).status());
            assertEquals(201, v2Put(server, newSlot() + "/2.bin", new byte[size]).status());

            String third = newSlot() + "/3.bin";
            // Only the head is sent: an answer at all proves the body was not waited for.
            Response full = RawHttp.request("PUT", url(third) + "?v=" + tokens.sign(TokenProtocol.V, third, size, null))
                    .header("Content-Length", size).send(server.port());
            UploadContract.assertPlainTextError(507, full);
            assertTemporaryDirectoryEmpty(storage);

            assertEquals(204, RawHttp.request("DELETE", url(first) + "?token=" + tokens.deleteToken(first, DELETE_SECRET))
                    .send(server.port()).status());
            assertEquals(201, v2Put(server, third, new byte[size]).status());
        }
    }

    @Test
    void anUploadThatWouldLeaveLessThanMinFreeSpaceIs507BeforeItsBody() throws Exception {
        Path storage = sandbox.resolve("min-free");
        long wholeDisk = Files.getFileStore(sandbox).getTotalSpace();
        try (TestServer server = start(storage, Map.of(Parameters.MIN_FREE_SPACE, Long.toString(wholeDisk)))) {
            String path = newSlot() + "/any.bin";
            Response put = RawHttp.request("PUT", url(path) + "?v=" + tokens.sign(TokenProtocol.V, path, 1, null))
                    .header("Content-Length", 1).send(server.port());

            UploadContract.assertPlainTextError(507, put);
            assertTemporaryDirectoryEmpty(storage);
        }
    }

    @Test
    void theSweeperThreadRunsWithTheWebappAndNoneIsLeftAfterARedeployOrAnUndeploy() throws Exception {
        Path storage = sandbox.resolve("lifecycle");
        TestServer server = start(storage, Map.of());
        try {
            Thread first = SweeperThreads.awaitOne(storage);

            server.restart(); // a redeploy: the old webapp's sweeper ends, the new one has its own

            Thread second = SweeperThreads.awaitOne(storage);
            assertFalse(first.isAlive(), "the first webapp's sweeper survived the redeploy");
            assertNotSame(first, second);
            String path = newSlot() + "/after-redeploy.txt";
            assertEquals(201, v2Put(server, path, bytes("still works")).status());
        } finally {
            server.close(); // an undeploy
        }
        assertEquals(List.of(), SweeperThreads.alive(storage), "a sweeper thread outlived the webapp");
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private TestServer start(Path storage, Map<String, String> extra) throws Exception {
        Map<String, String> parameters = new java.util.HashMap<>(extra);
        parameters.put(Parameters.SECRET, SECRET);
        parameters.put(Parameters.STORAGE_DIR, storage.toString());
        TestServer server = container().start(parameters, true);
        assertTrue(server.started(), server.startFailure());
        return server;
    }

    private Response v2Put(TestServer server, String path, byte[] content) throws IOException {
        return put(server, url(path) + "?v2=" + tokens.sign(TokenProtocol.V2, path, content.length, "text/plain"), content);
    }

    private static Response put(TestServer server, String target, byte[] content) throws IOException {
        return RawHttp.request("PUT", target).header("Content-Type", "text/plain").body(content).send(server.port());
    }

    private Response bearerPut(TestServer server, String slot, byte[] content, Instant expires) throws IOException {
        String jwt = tokens.bearer(slot, "f.txt", content.length, "text/plain", Instant.now().plusSeconds(300), expires);
        return RawHttp.request("PUT", url(slot + "/f.txt")).header("Authorization", "Bearer " + jwt).body(content).send(server.port());
    }

    private static Response get(TestServer server, String path) throws IOException {
        return RawHttp.request("GET", url(path)).send(server.port());
    }

    /** Polls GET {@code path} until its status satisfies {@code wanted}, for at most 30 s. */
    private static void awaitStatus(TestServer server, String path, IntPredicate wanted, String message) throws Exception {
        int status = 0;
        for (int attempt = 0; attempt < 300; attempt++) {
            status = get(server, path).status();
            if (wanted.test(status)) {
                return;
            }
            Thread.sleep(100);
        }
        fail(message + " (last status " + status + ")");
    }

    /** Waits until the sweep has deleted {@code file}, for at most 30 s. */
    private static void awaitGone(Path file, String message) throws Exception {
        for (int attempt = 0; attempt < 300 && Files.exists(file); attempt++) {
            Thread.sleep(100);
        }
        assertFalse(Files.exists(file), message);
    }

    private static void assertTemporaryDirectoryEmpty(Path storage) throws IOException {
        try (Stream<Path> temp = Files.list(storage.resolve("tmp"))) {
            assertEquals(List.of(), temp.toList());
        }
    }
}
