package io.github.httpupload.web;

import io.github.httpupload.auth.TokenProtocol;
import io.github.httpupload.config.Parameters;
import io.github.httpupload.testsupport.RawHttp;
import io.github.httpupload.testsupport.StorageBackend;
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
 * How files go away, over real sockets on every container and storage backend: the background
 * sweeper (expireAfter, a Bearer token's expires), tombstones (410 for GET and a replayed PUT),
 * and the sweeper thread's lifecycle across a redeploy and an undeploy. Waits are bounded polls,
 * never timing assertions. The local directory's storage limits are {@link LocalRetentionContract}'s.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class RetentionContract {

    private static final String SECRET = "retention secret";
    static final String DELETE_SECRET = "retention delete secret";

    final Tokens tokens = new Tokens(SECRET);
    private Path sandbox;

    abstract TestServer.Factory container();

    abstract StorageBackend backend();

    @BeforeAll
    void createSandbox() throws IOException {
        sandbox = Files.createTempDirectory("retention");
    }

    @AfterAll
    void deleteSandbox() throws IOException {
        TempDirs.delete(sandbox);
    }

    // Real time, no TestClock: on S3 the sweep picks candidates by the store's own LastModified,
    // which only real time ages; the file's stored-at (the service's clock) then decides.
    @Test
    void filesExpireAfterTheConfiguredTimeThenTheirUrlsAnswer410UntilTheTombstoneExpires() throws Exception {
        StorageBackend.Store store = newStore("expire-after");
        try (TestServer server = start(store, Map.of(
                Parameters.EXPIRE_AFTER, "PT1S",
                Parameters.TOMBSTONE_RETENTION, "PT6S",
                Parameters.SWEEP_INTERVAL, "PT1S"))) {
            String path = newSlot() + "/ephemeral.txt";
            byte[] content = bytes("here for a second");
            String putUrl = url(path) + "?v2=" + tokens.sign(TokenProtocol.V2, path, content.length, "text/plain");
            // (Not asserting a 200 in between: on a stalled machine the file may be gone already.)
            assertEquals(201, put(server, putUrl, content).status());

            awaitStatus(server, path, status -> status == 410, "the expired file is still served");
            awaitGone(store, path, "the expired file was not swept");
            UploadContract.assertPlainTextError(410, put(server, putUrl, content)); // the replay is refused
            // Past the tombstone's retention the path is forgotten, like one never used.
            awaitStatus(server, path, status -> status == 404, "the tombstone was not purged");
        }
    }

    @Test
    void expiryHoldsAtOnceWhateverTheSweepInterval() throws Exception {
        StorageBackend.Store store = newStore("expiry-without-sweep");
        // The sweep runs at start and then only after an hour: expiry must not wait for it.
        try (TestServer server = start(store, Map.of(Parameters.EXPIRE_AFTER, "PT2S", Parameters.DELETE_SECRET, DELETE_SECRET))) {
            String path = newSlot() + "/short-lived.txt";
            byte[] content = bytes("gone in two seconds");
            String putUrl = url(path) + "?v2=" + tokens.sign(TokenProtocol.V2, path, content.length, "text/plain");
            assertEquals(201, put(server, putUrl, content).status());

            awaitStatus(server, path, status -> status == 410, "the expired file is still served");

            assertTrue(store.holdsFile(path), "no sweep ran, so its bytes are still stored");
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
        try (TestServer server = start(newStore("per-file-expiry"), Map.of(Parameters.SWEEP_INTERVAL, "PT1S"))) {
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
    void theSweeperThreadRunsWithTheWebappAndNoneIsLeftAfterARedeployOrAnUndeploy() throws Exception {
        StorageBackend.Store store = newStore("lifecycle");
        TestServer server = start(store, Map.of());
        try {
            Thread first = SweeperThreads.awaitOne(store.name());

            server.restart(); // a redeploy: the old webapp's sweeper ends, the new one has its own

            Thread second = SweeperThreads.awaitOne(store.name());
            assertFalse(first.isAlive(), "the first webapp's sweeper survived the redeploy");
            assertNotSame(first, second);
            String path = newSlot() + "/after-redeploy.txt";
            assertEquals(201, v2Put(server, path, bytes("still works")).status());
        } finally {
            server.close(); // an undeploy
        }
        assertEquals(List.of(), SweeperThreads.alive(store.name()), "a sweeper thread outlived the webapp");
    }

    // ---- helpers ---------------------------------------------------------------------------------

    Path sandbox() {
        return sandbox;
    }

    /** A new, empty store of this suite's backend. */
    StorageBackend.Store newStore(String name) throws Exception {
        return backend().newStore(sandbox, name);
    }

    TestServer start(StorageBackend.Store store, Map<String, String> extra) throws Exception {
        Map<String, String> parameters = new java.util.HashMap<>(store.parametersWith(extra));
        parameters.put(Parameters.SECRET, SECRET);
        TestServer server = container().start(parameters, true);
        assertTrue(server.started(), server.startFailure());
        return server;
    }

    Response v2Put(TestServer server, String path, byte[] content) throws IOException {
        return put(server, url(path) + "?v2=" + tokens.sign(TokenProtocol.V2, path, content.length, "text/plain"), content);
    }

    static Response put(TestServer server, String target, byte[] content) throws IOException {
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

    /** Waits until the sweep has deleted the file of {@code path}, for at most 30 s. */
    private static void awaitGone(StorageBackend.Store store, String path, String message) throws Exception {
        for (int attempt = 0; attempt < 300 && store.holdsFile(path); attempt++) {
            Thread.sleep(100);
        }
        assertFalse(store.holdsFile(path), message);
    }
}
