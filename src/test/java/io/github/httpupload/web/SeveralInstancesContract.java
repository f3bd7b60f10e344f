package io.github.httpupload.web;

import io.github.httpupload.auth.TokenProtocol;
import io.github.httpupload.config.Parameters;
import io.github.httpupload.storage.CachingStorage;
import io.github.httpupload.testsupport.JettyTestServer;
import io.github.httpupload.testsupport.RawHttp;
import io.github.httpupload.testsupport.RawHttp.Response;
import io.github.httpupload.testsupport.TestServer;
import io.github.httpupload.testsupport.Tokens;
import io.github.httpupload.testsupport.TomcatTestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.github.httpupload.web.UploadContract.bytes;
import static io.github.httpupload.web.UploadContract.newSlot;
import static io.github.httpupload.web.UploadContract.url;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Two instances of the service over one store, each in a different container (A: Tomcat, B:
 * Jetty), as a load balancer would spread requests over them: what one stores the other serves,
 * a slot is won (and a file deleted) once whichever instance each racer reached, and a deletion or an expiry on one is
 * seen by the other within the cache lifetime ({@link CachingStorage#DEFAULT_TTL}). Each subclass
 * says which store the two share. (Concurrent sweeps: {@code storage.SeveralInstancesSweepTest}.)
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SeveralInstancesContract {

    private static final String SECRET = "shared secret";
    private static final String DELETE_SECRET = "shared delete secret";
    /** How much longer than the cache lifetime a stale answer is tolerated: a loaded machine's slack. */
    private static final Duration MARGIN = Duration.ofSeconds(5);

    private final Tokens tokens = new Tokens(SECRET);
    private TestServer a;
    private TestServer b;

    /** The context parameters that point an instance at the shared store; the same for both. */
    abstract Map<String, String> sharedStore() throws Exception;

    /** Removes the shared store, after both instances stopped. */
    abstract void deleteStore() throws Exception;

    @BeforeAll
    void startBothInstances() throws Exception {
        Map<String, String> parameters = new HashMap<>(sharedStore());
        parameters.put(Parameters.SECRET, SECRET);
        parameters.put(Parameters.DELETE_SECRET, DELETE_SECRET);
        a = TomcatTestServer.factory().start(parameters, true);
        assertTrue(a.started(), a.startFailure());
        b = JettyTestServer.factory().start(parameters, true);
        assertTrue(b.started(), b.startFailure());
    }

    @AfterAll
    void stopBothInstances() throws Exception {
        try (TestServer first = a; TestServer second = b) {
            // closed in reverse order
        }
        deleteStore();
    }

    @Test
    void anUploadThroughOneIsServedByTheOtherAtOnce() throws IOException {
        String path = newSlot() + "/through A.png";
        byte[] content = random(100_000, 1);

        assertEquals(201, put(a, path, content, "image/png").status());

        Response get = get(b, path);
        assertEquals(200, get.status(), get.text());
        assertArrayEquals(content, get.body());
        assertEquals("image/png", get.header("Content-Type"));
        // Both containers describe the one file alike: a client may reach either next time.
        assertEquals(get(a, path).header("ETag"), get.header("ETag"));
    }

    @Test
    void ofTwentyRacingUploadsSpreadOverBothExactlyOneWinsAndItsBytesAreStored() throws Exception {
        String path = newSlot() + "/race.bin";
        int racers = 20;
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                TestServer instance = i % 2 == 0 ? a : b;
                byte[] content = random(50_000, i);
                statuses.add(pool.submit(() -> {
                    go.await();
                    return put(instance, path, content, "application/octet-stream").status();
                }));
            }
            go.countDown();
            List<Integer> winners = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                int status = statuses.get(i).get();
                if (status == 201) {
                    winners.add(i);
                } else {
                    assertEquals(409, status, "racer " + i);
                }
            }
            assertEquals(1, winners.size(), "winners: " + winners);
            byte[] winner = random(50_000, winners.get(0));
            assertArrayEquals(winner, get(a, path).body(), "A serves the winner's bytes");
            assertArrayEquals(winner, get(b, path).body(), "B serves the winner's bytes");
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aDeleteThroughOneIsGoneFromTheOtherWithinTheCacheLifetime() throws Exception {
        String path = newSlot() + "/to delete.txt";
        byte[] content = bytes("deleted through A");
        assertEquals(201, put(a, path, content, "text/plain").status());
        assertEquals(200, get(b, path).status()); // now in B's cache

        Response delete = RawHttp.request("DELETE", url(path) + "?token=" + tokens.deleteToken(path, DELETE_SECRET)).send(a.port());
        assertEquals(204, delete.status(), delete.text());

        assertEquals(410, get(a, path).status(), "the deleting instance knows at once");
        awaitGone(b, path, content, Instant.now().plus(CachingStorage.DEFAULT_TTL).plus(MARGIN));
        // Remembered by the store, not by one instance: a replayed PUT URL is refused by both.
        assertEquals(410, put(b, path, content, "text/plain").status());
        assertEquals(410, put(a, path, content, "text/plain").status());
    }

    @Test
    void ofTenRacingDeletesSpreadOverBothExactlyOneDeletes() throws Exception {
        String path = newSlot() + "/deleted by many.txt";
        assertEquals(201, put(a, path, bytes("deleted once"), "text/plain").status());
        String target = url(path) + "?token=" + tokens.deleteToken(path, DELETE_SECRET);
        int racers = 10;
        ExecutorService pool = Executors.newFixedThreadPool(racers);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> statuses = new ArrayList<>();
            for (int i = 0; i < racers; i++) {
                TestServer instance = i % 2 == 0 ? a : b;
                statuses.add(pool.submit(() -> {
                    go.await();
                    return RawHttp.request("DELETE", target).send(instance.port()).status();
                }));
            }
            go.countDown();
            List<Integer> answers = new ArrayList<>();
            for (Future<Integer> status : statuses) {
                answers.add(status.get());
            }
            // The XMPP server is told once that it deleted the file; the others found nothing to delete.
            assertEquals(1, answers.stream().filter(status -> status == 204).count(), answers.toString());
            assertEquals(racers - 1, answers.stream().filter(status -> status == 404).count(), answers.toString());
        } finally {
            pool.shutdownNow();
        }
        assertEquals(410, get(a, path).status());
        assertEquals(410, get(b, path).status());
    }

    @Test
    void aFileExpiredIsGoneFromBothWithoutWaitingForTheCache() throws Exception {
        String slot = newSlot();
        String path = slot + "/f.txt";
        byte[] content = bytes("expires in a few seconds");
        Instant expires = Instant.now().plusSeconds(3);
        String jwt = tokens.bearer(slot, "f.txt", content.length, "text/plain", Instant.now().plusSeconds(300), expires);
        Response put = RawHttp.request("PUT", url(path)).header("Authorization", "Bearer " + jwt).body(content).send(a.port());
        assertEquals(201, put.status(), put.text());
        get(b, path); // (not asserting 200: on a stalled machine it may have expired already)

        // Expiry is checked on every cache hit, so the cache lifetime is no part of this wait.
        awaitGone(b, path, content, expires.plus(MARGIN));
        assertEquals(410, get(a, path).status());
    }

    /**
     * Polls {@code instance} until {@code path} answers 410, failing at {@code deadline}; until
     * then it may serve only the file as it was stored, never an error or other bytes.
     */
    private static void awaitGone(TestServer instance, String path, byte[] content, Instant deadline) throws Exception {
        while (true) {
            Response get = get(instance, path);
            if (get.status() == 410) {
                return;
            }
            assertEquals(200, get.status(), get.text());
            assertArrayEquals(content, get.body(), "a stale answer serves the stored bytes only");
            if (Instant.now().isAfter(deadline)) {
                fail("still served after " + deadline);
            }
            Thread.sleep(100);
        }
    }

    private Response put(TestServer instance, String path, byte[] content, String type) throws IOException {
        String token = tokens.sign(TokenProtocol.V2, path, content.length, type);
        return RawHttp.request("PUT", url(path) + "?v2=" + token).header("Content-Type", type).body(content).send(instance.port());
    }

    private static Response get(TestServer instance, String path) throws IOException {
        return RawHttp.request("GET", url(path)).send(instance.port());
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
