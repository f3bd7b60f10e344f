package io.github.httpupload.web;

import io.github.httpupload.config.Parameters;
import io.github.httpupload.testsupport.Chattr;
import io.github.httpupload.testsupport.RawHttp;
import io.github.httpupload.testsupport.S3ProxyServer;
import io.github.httpupload.testsupport.TempDirs;
import io.github.httpupload.testsupport.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code GET /healthz} in a real container, wired like the WAR (CORS and token filters on
 * {@code /*}, the upload servlet on {@code /*}, the health servlet on {@code /healthz}), on both
 * backends: a local directory, and a bucket on an S3Proxy of this class's own, which a test stops
 * and starts again. The container's clock is real: a changed answer is awaited past the health
 * check's one-second cache with a bounded poll.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class HealthContract {

    private static final String HEALTHZ = TestServer.CONTEXT + "/healthz";
    private static final long DEADLINE_SECONDS = 20;

    enum Backend { LOCAL, S3 }

    private Path sandbox;
    private Path storageDir;
    private S3ProxyServer s3;
    private TestServer local;
    private TestServer onS3;
    /** Set while a test has made it immutable, so that a failing test still undoes it. */
    private Path immutable;

    abstract TestServer.Factory container();

    @BeforeAll
    void start() throws Exception {
        sandbox = Files.createTempDirectory("health");
        storageDir = sandbox.resolve("store");
        local = container().start(Map.of(Parameters.SECRET, "health secret", Parameters.STORAGE_DIR, storageDir.toString()), true);
        assertTrue(local.started(), local.startFailure());
        s3 = S3ProxyServer.start(sandbox.resolve("s3"));
        Map<String, String> onBucket = new HashMap<>(s3.contextParameters(s3.newBucket()));
        onBucket.put(Parameters.SECRET, "health secret");
        onS3 = container().start(onBucket, true);
        assertTrue(onS3.started(), onS3.startFailure());
    }

    /** A test that failed with the storage broken must not fail the next ones. */
    @AfterEach
    void storageBack() throws Exception {
        if (immutable != null) {
            Chattr.mutable(immutable);
            immutable = null;
        }
        if (!s3.running()) {
            s3.restart();
        }
    }

    @AfterAll
    void stop() throws Exception {
        for (AutoCloseable closeable : new AutoCloseable[] {local, onS3, s3}) {
            if (closeable != null) {
                closeable.close();
            }
        }
        TempDirs.delete(sandbox);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void aHealthyStorageAnswers200OkWithoutAnyToken(Backend backend) throws Exception {
        RawHttp.Response answer = get(backend, HEALTHZ);
        assertEquals(200, answer.status(), answer.text());
        assertEquals("ok\n", answer.text());
        assertPlainUncachedLine(answer, 3);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void headAnswersTheSameHeadersWithoutABody(Backend backend) throws Exception {
        RawHttp.Response answer = RawHttp.request("HEAD", HEALTHZ).send(server(backend).port());
        assertEquals(200, answer.status());
        assertEquals(0, answer.body().length);
        assertPlainUncachedLine(answer, 3);
    }

    @Test
    void aQueryStringChangesNothing() throws Exception {
        RawHttp.Response answer = get(Backend.LOCAL, HEALTHZ + "?v=not-a-token&x=1");
        assertEquals(200, answer.status(), answer.text());
        assertEquals("ok\n", answer.text());
    }

    /** POST, OPTIONS (not a CORS preflight) and others reach the servlet, which allows GET and HEAD only. */
    @ParameterizedTest
    @ValueSource(strings = {"POST", "OPTIONS", "PATCH"})
    void otherMethodsAnswer405WithAllow(String method) throws Exception {
        RawHttp.Response answer = RawHttp.request(method, HEALTHZ).body(new byte[0]).send(local.port());
        assertEquals(405, answer.status(), answer.text());
        assertEquals("GET, HEAD", answer.header("Allow"));
        assertEquals("no-store", answer.header("Cache-Control"));
    }

    /** A PUT meets the token filter first, which refuses a one-segment path before any servlet runs. */
    @Test
    void aPutIsRefusedByTheTokenFilter() throws Exception {
        RawHttp.Response answer = RawHttp.request("PUT", HEALTHZ).body(new byte[] {1}).send(local.port());
        assertEquals(400, answer.status(), answer.text());
    }

    /** The exact pattern matches {@code /healthz} alone: anything below it is a slot path for the upload servlet. */
    @ParameterizedTest
    @ValueSource(strings = {"/healthz/x", "/healthz/", "/healthz/x/y.txt", "/healthzx"})
    void aLongerPathIsNotTheHealthServlet(String path) throws Exception {
        RawHttp.Response answer = get(Backend.LOCAL, TestServer.CONTEXT + path);
        assertNotEquals(200, answer.status(), answer.text());
        assertNotEquals("ok\n", answer.text());
        assertTrue(answer.status() == 404 || answer.status() == 400, answer.status() + " " + answer.text());
    }

    /** Root ignores permissions, so the temporary area is made immutable: even root cannot create a file there. */
    @Test
    void anUnwritableTemporaryAreaAnswers503UntilItIsWritableAgain() throws Exception {
        assertEquals(200, get(Backend.LOCAL, HEALTHZ).status());
        Path tmp = storageDir.resolve("tmp");
        Chattr.immutable(tmp);
        immutable = tmp;
        RawHttp.Response down = await(Backend.LOCAL, 503);
        assertEquals("storage not writable\n", down.text());
        assertPlainUncachedLine(down, down.text().length());
        assertFalse(down.text().contains(storageDir.toString()));

        Chattr.mutable(tmp);
        immutable = null;
        assertEquals("ok\n", await(Backend.LOCAL, 200).text());
        try (var left = Files.list(tmp)) {
            assertEquals(0, left.count(), "no probe file is left behind");
        }
    }

    @Test
    void aStoppedObjectStoreAnswers503UntilItIsStartedAgainOnTheSamePort() throws Exception {
        assertEquals(200, get(Backend.S3, HEALTHZ).status());
        s3.stop();
        RawHttp.Response down = await(Backend.S3, 503);
        assertEquals("storage unreachable\n", down.text());
        assertPlainUncachedLine(down, down.text().length());
        assertFalse(down.text().contains(s3.endpoint().toString()));
        assertFalse(down.text().contains(String.valueOf(s3.port())));

        s3.restart();
        assertEquals("ok\n", await(Backend.S3, 200).text());
    }

    private static void assertPlainUncachedLine(RawHttp.Response answer, int length) {
        // A charset name is case-insensitive: Jetty sends the one set, UTF-8, as utf-8.
        assertEquals("text/plain;charset=utf-8", answer.header("Content-Type").replace(" ", "").toLowerCase(Locale.ROOT));
        assertEquals("no-store", answer.header("Cache-Control"));
        assertEquals(String.valueOf(length), answer.header("Content-Length"));
    }

    /** Polls until the answer has {@code status}: the health check reuses a result for up to a second. */
    private RawHttp.Response await(Backend backend, int status) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        RawHttp.Response answer = get(backend, HEALTHZ);
        while (answer.status() != status && System.nanoTime() < deadline) {
            Thread.sleep(100);
            answer = get(backend, HEALTHZ);
        }
        assertEquals(status, answer.status(), answer.text());
        return answer;
    }

    private RawHttp.Response get(Backend backend, String target) throws Exception {
        return RawHttp.request("GET", target).send(server(backend).port());
    }

    private TestServer server(Backend backend) {
        return backend == Backend.LOCAL ? local : onS3;
    }
}
