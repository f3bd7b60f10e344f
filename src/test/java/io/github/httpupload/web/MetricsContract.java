package io.github.httpupload.web;

import io.github.httpupload.auth.TokenProtocol;
import io.github.httpupload.config.Parameters;
import io.github.httpupload.testsupport.RawHttp;
import io.github.httpupload.testsupport.RawHttp.Response;
import io.github.httpupload.testsupport.S3ProxyServer;
import io.github.httpupload.testsupport.TempDirs;
import io.github.httpupload.testsupport.TestServer;
import io.github.httpupload.testsupport.Tokens;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The UploadMetrics MBean on a real container: a known sequence of requests, then every attribute
 * read through the platform MBeanServer, as an operator's JMX client reads it; and its lifecycle
 * (undeploy, reload). Each server gets a context path of its own, so no other test's bean is seen.
 */
abstract class MetricsContract {

    private static final String SECRET = "metrics secret";
    /** A stored file's 4 KiB header page (README, Storage layout). */
    private static final int HEADER = 4096;
    private static final MBeanServer JMX = ManagementFactory.getPlatformMBeanServer();

    private final Tokens tokens = new Tokens(SECRET);
    private Path storage;

    /** Starts the webapp, with both filters, under {@code contextPath}. */
    abstract TestServer start(Map<String, String> contextParameters, String contextPath) throws Exception;

    /** The container's own reload of the webapp (not a new deployment). */
    abstract void reload(TestServer server) throws Exception;

    /** What the container answers to {@code ServletContext.getVirtualServerName()}, as the name holds it. */
    abstract String hostKey();

    /**
     * Whether the container tells the listeners at once when a start fails after them (Tomcat
     * does); Jetty 12 leaves a failed context's listeners, and with them the MBean and the
     * sweeper, in place until the context is stopped.
     */
    abstract boolean failedStartDestroysTheContext();

    /** A context path no other test uses. */
    abstract String contextPath();

    @BeforeEach
    void createStorage() throws IOException {
        storage = Files.createTempDirectory("metrics");
    }

    @AfterEach
    void deleteStorage() throws IOException {
        TempDirs.delete(storage);
    }

    @Test
    void everyAttributeCountsExactlyWhatHappened() throws Exception {
        // Before the webapp under test: one file that expires in a moment (a Bearer token's
        // expires) and one that stays, stored by an earlier deployment on the same directory.
        String expiring = UUID.randomUUID().toString();
        String kept = UUID.randomUUID() + "/kept.txt";
        Instant expires = Instant.now().plusSeconds(1);
        String seedContext = contextPath() + "-seed";
        try (TestServer seed = start(parameters(), seedContext)) {
            assertTrue(seed.started(), seed.startFailure());
            String jwt = tokens.bearer(expiring, "f.txt", 3, "text/plain", Instant.now().plusSeconds(300), expires);
            assertEquals(201, RawHttp.request("PUT", seedContext + "/" + expiring + "/f.txt")
                    .header("Authorization", "Bearer " + jwt).body(bytes("abc")).send(seed.port()).status());
            assertEquals(201, v2Put(seed, seedContext, kept, bytes("12345")).status());
        }
        assertEquals(Set.of(), names(seedContext), "the undeployed webapp's bean is still registered");
        while (!Instant.now().isAfter(expires.plusMillis(200))) {
            Thread.sleep(100);
        }

        String context = contextPath();
        try (TestServer server = start(parameters(), context)) {
            assertTrue(server.started(), server.startFailure());
            ObjectName name = UploadMetrics.objectName(hostKey(), context);
            assertEquals(Set.of(name), names(context));
            awaitAttribute(name, "SweepsRun", 1); // the sweep at start deletes the expired file

            String p1 = UUID.randomUUID() + "/one.txt";
            String p2 = UUID.randomUUID() + "/two.txt";
            assertEquals(201, v2Put(server, context, p1, bytes("0123456789")).status());
            assertEquals(201, v2Put(server, context, p2, bytes("01234567890123456789")).status());
            // 403: a wrong token; 409: p1 again; 410: the expired file's address; 401: a broken Bearer token.
            assertEquals(403, put(server, context + "/" + p1 + "?v2=" + "00".repeat(32), bytes("0123456789")).status());
            assertEquals(409, v2Put(server, context, p1, bytes("0123456789")).status());
            assertEquals(410, v2Put(server, context, expiring + "/f.txt", bytes("abc")).status());
            assertEquals(401, RawHttp.request("PUT", context + "/" + UUID.randomUUID() + "/f.txt")
                    .header("Authorization", "Bearer a.b.c").body(bytes("abc")).send(server.port()).status());
            // 413 over maxFileSize and 507 over maxStorageSize, both before the body: only the head is sent.
            assertEquals(413, headOnlyPut(server, context, UUID.randomUUID() + "/big.bin", 2000).status());
            assertEquals(507, headOnlyPut(server, context, UUID.randomUUID() + "/full.bin", 600).status());
            assertEquals(411, RawHttp.request("PUT", context + "/" + UUID.randomUUID() + "/none.txt?v=0")
                    .send(server.port()).status());

            String aborted = UUID.randomUUID() + "/aborted.bin";
            signedPut(context, aborted, 100).body(new byte[100]).sendAndAbort(server.port(), 10);
            awaitAttribute(name, "UploadsAborted", 1);
            assertEquals(408, trickle(server, context, UUID.randomUUID() + "/slow.bin"));

            Response whole = get(server, context, p1);
            assertEquals(200, whole.status());
            assertEquals(206, RawHttp.request("GET", context + "/" + p2).header("Range", "bytes=0-4").send(server.port()).status());
            assertEquals(304, RawHttp.request("GET", context + "/" + p1).header("If-None-Match", whole.header("ETag"))
                    .send(server.port()).status());
            assertEquals(404, get(server, context, UUID.randomUUID() + "/missing.txt").status());
            assertEquals(410, get(server, context, expiring + "/f.txt").status());
            assertEquals(200, RawHttp.request("HEAD", context + "/" + p1).send(server.port()).status()); // not counted

            // A storage failure: the directory for uploads in progress is gone, so the upload is a 500.
            Files.delete(storage.resolve("tmp"));
            assertEquals(500, v2Put(server, context, UUID.randomUUID() + "/fails.txt", bytes("x")).status());
            Files.createDirectory(storage.resolve("tmp"));

            Map<String, Long> expected = new HashMap<>();
            expected.put("UploadsStored", 2L);
            expected.put("UploadsRefused401", 1L);
            expected.put("UploadsRefused403", 1L);
            expected.put("UploadsRefused409", 1L);
            expected.put("UploadsRefused410", 1L);
            expected.put("UploadsRefused411", 1L);
            expected.put("UploadsRefused413", 1L);
            expected.put("UploadsRefused507", 1L);
            expected.put("UploadsAborted", 1L);
            expected.put("UploadsTimedOut", 1L);
            expected.put("BytesReceived", 30L);
            expected.put("Downloads2xx", 2L);
            expected.put("Downloads3xx", 1L);
            expected.put("Downloads4xx", 2L);
            expected.put("Downloads5xx", 0L);
            expected.put("BytesSent", 15L);
            expected.put("FilesStored", 3L); // kept, p1, p2
            expected.put("BytesStored", 3L * HEADER + 5 + 10 + 20);
            expected.put("SweepsRun", 1L);
            expected.put("FilesExpired", 1L);
            expected.put("SweepErrors", 0L);
            expected.put("StorageErrors", 1L);
            Map<String, Long> actual = new HashMap<>();
            for (String attribute : expected.keySet()) {
                actual.put(attribute, attribute(name, attribute));
            }
            assertEquals(new java.util.TreeMap<>(expected), new java.util.TreeMap<>(actual));
            long lastSweep = attribute(name, "LastSweepMillis");
            assertTrue(lastSweep >= 0 && lastSweep < 60_000, "LastSweepMillis " + lastSweep);
            assertEquals(23, JMX.getMBeanInfo(name).getAttributes().length, "an attribute is not asserted");
        }
        assertEquals(Set.of(), names(context), "the undeployed webapp's bean is still registered");
    }

    @Test
    void aReloadRegistersANewBeanCountingFromZeroAndAnUndeployLeavesNone() throws Exception {
        String context = contextPath() + "-reload";
        ObjectName name = UploadMetrics.objectName(hostKey(), context);
        TestServer server = start(parameters(), context);
        try {
            assertTrue(server.started(), server.startFailure());
            assertEquals(201, v2Put(server, context, UUID.randomUUID() + "/a.txt", bytes("a")).status());
            assertEquals(1L, attribute(name, "UploadsStored"));

            reload(server);

            assertTrue(server.started(), server.startFailure());
            assertEquals(Set.of(name), names(context), "one bean, under the same name");
            assertEquals(0L, attribute(name, "UploadsStored"), "the reloaded webapp's bean is a new one");
            assertEquals(201, v2Put(server, context, UUID.randomUUID() + "/b.txt", bytes("b")).status());
            assertEquals(1L, attribute(name, "UploadsStored"));
            assertEquals(2L, attribute(name, "FilesStored"), "counted from the directory at the new start");
        } finally {
            server.close();
        }
        assertEquals(Set.of(), names(context), "the undeployed webapp's bean is still registered");
    }

    @Test
    void aStartThatFailsAfterTheListenerLeavesNoBean() throws Exception {
        String context = contextPath() + "-failed";
        Map<String, String> noSecret = new HashMap<>(parameters());
        noSecret.remove(Parameters.SECRET); // the token filter refuses to start, after the listener ran
        try (TestServer server = start(noSecret, context)) {
            assertTrue(!server.started(), "started without a secret");
            if (failedStartDestroysTheContext()) {
                assertEquals(Set.of(), names(context), "the failed webapp's bean is still registered");
            }
        }
        assertEquals(Set.of(), names(context), "the failed webapp's bean outlived the container");
    }

    /** The one status class the sequence above cannot produce on a directory: a GET the store fails. */
    @Test
    void aDownloadTheStoreCannotAnswerCountsAsA5xxAndAStorageError() throws Exception {
        String context = contextPath() + "-s3";
        ObjectName name = UploadMetrics.objectName(hostKey(), context);
        try (S3ProxyServer s3 = S3ProxyServer.start(storage.resolve("s3"));
             TestServer server = start(withSecret(s3.contextParameters(s3.newBucket())), context)) {
            assertTrue(server.started(), server.startFailure());
            assertEquals(404, get(server, context, UUID.randomUUID() + "/absent.txt").status());
            s3.stop();

            Response down = get(server, context, UUID.randomUUID() + "/unseen.txt");

            assertEquals(503, down.status(), down.text());
            // counted once the answer is out (its status is final then): the client may read it first
            awaitAttribute(name, "Downloads5xx", 1);
            assertEquals(1L, attribute(name, "Downloads4xx"));
            assertEquals(1L, attribute(name, "StorageErrors"));
            assertEquals(0L, attribute(name, "Downloads2xx"));
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private Map<String, String> parameters() {
        return Map.of(
                Parameters.SECRET, SECRET,
                Parameters.STORAGE_DIR, storage.toString(),
                Parameters.TOMBSTONE_RETENTION, "PT1H",
                Parameters.MAX_FILE_SIZE, "1000",
                // Room for the kept file, p1 and p2 (3 header pages and 35 bytes), not for 600 more bytes.
                Parameters.MAX_STORAGE_SIZE, Integer.toString(4 * HEADER + 500),
                Parameters.UPLOAD_IDLE_TIMEOUT, "1");
    }

    private static Map<String, String> withSecret(Map<String, String> parameters) {
        Map<String, String> all = new HashMap<>(parameters);
        all.put(Parameters.SECRET, SECRET);
        return all;
    }

    /** The beans of {@code context}, whatever their host key. */
    private static Set<ObjectName> names(String context) throws JMException {
        return JMX.queryNames(new ObjectName(UploadMetrics.DOMAIN + ":type=UploadMetrics,context=" + context + ",*"), null);
    }

    private static long attribute(ObjectName name, String attribute) throws JMException {
        return (Long) JMX.getAttribute(name, attribute);
    }

    /** Polls for up to 10 s: the sweep and an aborted upload end on threads of their own. */
    private static void awaitAttribute(ObjectName name, String attribute, long expected) throws Exception {
        long actual = -2;
        for (int attempt = 0; attempt < 200; attempt++) {
            actual = attribute(name, attribute);
            if (actual == expected) {
                return;
            }
            Thread.sleep(50);
        }
        fail(attribute + " is " + actual + ", expected " + expected);
    }

    private RawHttp signedPut(String context, String path, long length) {
        return RawHttp.request("PUT", context + "/" + path + "?v=" + tokens.sign(TokenProtocol.V, path, length, null));
    }

    private Response v2Put(TestServer server, String context, String path, byte[] content) throws IOException {
        return put(server, context + "/" + path + "?v2=" + tokens.sign(TokenProtocol.V2, path, content.length, "text/plain"), content);
    }

    private static Response put(TestServer server, String target, byte[] content) throws IOException {
        return RawHttp.request("PUT", target).header("Content-Type", "text/plain").body(content).send(server.port());
    }

    private Response headOnlyPut(TestServer server, String context, String path, long length) throws IOException {
        return signedPut(context, path, length).header("Content-Length", length).send(server.port());
    }

    private static Response get(TestServer server, String context, String path) throws IOException {
        return RawHttp.request("GET", context + "/" + path).send(server.port());
    }

    /** A signed upload whose body comes a byte every 200 ms, far below 16 KiB per idle timeout; returns the status. */
    private int trickle(TestServer server, String context, String path) throws Exception {
        String head = "PUT " + context + "/" + path + "?v=" + tokens.sign(TokenProtocol.V, path, 100, null) + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nContent-Length: 100\r\nConnection: close\r\n\r\n";
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
            socket.setSoTimeout(30_000);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            try {
                for (int sent = 0; sent < 100 && in.available() == 0; sent++) {
                    out.write('x');
                    out.flush();
                    Thread.sleep(200);
                }
            } catch (IOException e) {
                // the server answered and closed: read the answer
            }
            return Response.read(in, false).status();
        }
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
