package io.github.httpupload.web;

import io.github.httpupload.auth.TokenProtocol;
import io.github.httpupload.config.Parameters;
import io.github.httpupload.testsupport.LogCapture;
import io.github.httpupload.testsupport.PatternStream;
import io.github.httpupload.testsupport.RawHttp;
import io.github.httpupload.testsupport.S3ProxyServer;
import io.github.httpupload.testsupport.TestServer;
import io.github.httpupload.testsupport.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.logging.Level;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The S3 backend in a real container when the store fails under it: a store of its own (S3Proxy)
 * that each test stops and restarts, and clients that go away. Whatever breaks, no client gets
 * wrong bytes, no short object is ever stored, and the service recovers by itself when the store
 * is back (the webapp is never restarted).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class S3FaultsContract {

    private static final String SECRET = "s3 faults secret";
    private static final int MiB = 1024 * 1024;
    /** Larger than every buffer between the store and the client (socket buffers grow to a few MiB each). */
    private static final int LARGE = 32 * MiB;
    private static final long DEADLINE_SECONDS = 60;

    private Path dir;
    private S3ProxyServer s3;
    private String bucket;
    private TestServer server;

    abstract TestServer.Factory container();

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("s3faults");
        s3 = S3ProxyServer.start(dir);
        bucket = s3.newBucket();
        server = container().start(Map.of(
                Parameters.SECRET, SECRET,
                Parameters.STORAGE, "s3",
                Parameters.S3_BUCKET, bucket,
                Parameters.S3_ENDPOINT, s3.endpoint().toString(),
                Parameters.S3_ACCESS_KEY_ID, S3ProxyServer.ACCESS_KEY,
                Parameters.S3_SECRET_ACCESS_KEY, S3ProxyServer.SECRET_KEY), true);
        assertTrue(server.started(), server.startFailure());
    }

    /** A test that failed with the store stopped must not fail the next ones. */
    @AfterEach
    void storeBack() throws Exception {
        if (!s3.running()) {
            s3.restart();
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        s3.close();
        io.github.httpupload.testsupport.TempDirs.delete(dir);
    }

    @Test
    void storeStoppedInTheMiddleOfAnUploadAnswers503AndStoresNothing() throws Exception {
        String path = slot("mid-upload");
        int length = 4 * MiB;
        InputStream body = new PatternStream(length);
        RawHttp.Response answer;
        Set<Path> before = filesInBucket().keySet();
        try (OpenUpload upload = new OpenUpload(server.port(), uploadHead(path, length))) {
            upload.write(body, 3 * MiB);
            // The servlet is streaming to the store once a new file there holds more than the replay window.
            await("the store receiving the upload", () -> filesInBucket().entrySet().stream()
                    .anyMatch(f -> !before.contains(f.getKey()) && f.getValue() > ExactLengthBodyWindow.BYTES));
            s3.stop();
            upload.writeRestInBackground(body);
            answer = upload.response();
        }
        assertEquals(503, answer.status(), answer.text());
        assertEquals("10", answer.header("Retry-After"));

        s3.restart();
        assertEquals(404, get(path).status(), "a partial upload was stored");
        byte[] whole = new PatternStream(length).readAllBytes();
        assertEquals(201, upload(path, whole).status());
        assertArrayEquals(whole, get(path).body());
    }

    @Test
    void storeStoppedInTheMiddleOfADownloadCutsTheConnectionAfterAPrefix() throws Exception {
        String path = slot("mid-download");
        assertEquals(201, RawHttp.request("PUT", uploadTarget(path, LARGE)).header("Content-Type", "video/mp4")
                .header("Content-Length", LARGE).body(new PatternStream(LARGE)).send(server.port()).status());

        long received = 0;
        boolean cut = false;
        String how = "";
        InputStream expected = new PatternStream(LARGE);
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(64 * 1024); // keep the client's share of the bytes in flight small
            socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), server.port()));
            socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
            // Kept alive: only the container closing the connection can tell the client the body is short.
            socket.getOutputStream().write(("GET " + TestServer.CONTEXT + "/" + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            InputStream in = socket.getInputStream();
            String head = readHead(in);
            assertTrue(head.startsWith("HTTP/1.1 200"), head);
            assertTrue(head.toLowerCase().contains("content-length: " + LARGE), head);
            byte[] buffer = new byte[16 * 1024];
            boolean stopped = false;
            while (true) {
                int n;
                try {
                    n = in.read(buffer);
                } catch (SocketTimeoutException e) {
                    throw new AssertionError("the download hung after " + received + " bytes", e);
                } catch (IOException e) { // reset: also a cut
                    cut = true;
                    how = "reset (" + e.getMessage() + ")";
                    break;
                }
                if (n < 0) {
                    cut = received < LARGE;
                    how = "closed";
                    break;
                }
                assertArrayEquals(expected.readNBytes(n), Arrays.copyOf(buffer, n), "wrong bytes after " + received);
                received += n;
                if (!stopped && received >= 64 * 1024) {
                    s3.stop();
                    stopped = true;
                }
            }
        }
        assertTrue(cut, "the whole file arrived although the store was stopped");
        assertTrue(received < LARGE, "received " + received);
        System.out.println(getClass().getSimpleName() + ": download " + how + " after " + received + " of " + LARGE + " bytes");

        s3.restart();
        RawHttp.Response again = get(path);
        assertEquals(200, again.status());
        assertArrayEquals(new PatternStream(LARGE).readAllBytes(), again.body());
    }

    @Test
    void anUnreachableStoreAnswers503AndTheServiceRecoversWhenItIsBack() throws Exception {
        String path = slot("unreachable");
        byte[] body = "stored once the store is back".getBytes(StandardCharsets.UTF_8);
        s3.stop();
        RawHttp.Response refused = upload(path, body);
        assertEquals(503, refused.status(), refused.text());
        assertEquals("10", refused.header("Retry-After"));
        assertEquals(503, get(path).status());

        s3.restart();
        assertEquals(201, upload(path, body).status());
        RawHttp.Response back = get(path);
        assertEquals(200, back.status());
        assertArrayEquals(body, back.body());
    }

    /**
     * A store that answers but fails (5xx): the bucket's directories made immutable, so S3Proxy
     * cannot write and answers its own error. Throttling ({@code 503 SlowDown}) takes the same path.
     */
    @Test
    void aStoreThatFailsWritesAnswers503AndTheServiceRecoversWhenItWorksAgain() throws Exception {
        String path = slot("failing-store");
        byte[] body = "stored once the store writes again".getBytes(StandardCharsets.UTF_8);
        assertEquals(201, upload(slot("first"), body).status(), "the bucket's directories exist");
        List<Path> directories;
        try (var walk = Files.walk(s3.bucketDirectory(bucket))) {
            directories = walk.filter(Files::isDirectory).toList();
        }
        chattr("+i", directories);
        try {
            RawHttp.Response refused = upload(path, body);
            assertEquals(503, refused.status(), refused.text());
            assertEquals("10", refused.header("Retry-After"));
        } finally {
            chattr("-i", directories);
        }
        assertEquals(404, get(path).status(), "nothing was stored");
        assertEquals(201, upload(path, body).status());
        assertArrayEquals(body, get(path).body());
    }

    private static void chattr(String flag, List<Path> paths) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("chattr", flag));
        paths.forEach(p -> command.add(p.toString()));
        Process chattr = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(chattr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, chattr.waitFor(), "chattr " + flag + " (needs root and ext4 or similar): " + output);
    }

    /** Half of 128 KiB: within the replay window (no byte sent to the store may yet be final); half of 2 MiB: past it. */
    @ParameterizedTest(name = "after {0} of {1} bytes")
    @CsvSource({"65536, 131072", "1048576, 2097152"})
    void aClientAbortingMidUploadLeavesNoShortObject(int sent, int length) throws Exception {
        String path = slot("aborted");
        try (LogCapture log = new LogCapture(Level.FINE)) {
            RawHttp.request("PUT", uploadTarget(path, length)).header("Content-Type", "video/mp4")
                    .header("Content-Length", length).body(new PatternStream(length)).sendAndAbort(server.port(), sent);
            // Only once the servlet has given up on the body does a 404 prove nothing was stored.
            await("the servlet ending the aborted upload", () -> log.text().contains("Upload to " + path + " failed"));
        }
        assertEquals(404, get(path).status(), "a short object was stored");
        byte[] whole = new PatternStream(length).readAllBytes();
        assertEquals(201, upload(path, whole).status());
        assertArrayEquals(whole, get(path).body());
    }

    private static String slot(String name) {
        return name + "-" + System.nanoTime() + "/file.bin";
    }

    private static String uploadTarget(String path, long length) {
        return TestServer.CONTEXT + "/" + path + "?v=" + new Tokens(SECRET).sign(TokenProtocol.V, path, length, null);
    }

    private static String uploadHead(String path, long length) {
        return "PUT " + uploadTarget(path, length) + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: video/mp4\r\n"
                + "Content-Length: " + length + "\r\nConnection: close\r\n\r\n";
    }

    private RawHttp.Response upload(String path, byte[] body) throws IOException {
        return RawHttp.request("PUT", uploadTarget(path, body.length)).header("Content-Type", "video/mp4").body(body)
                .send(server.port());
    }

    private RawHttp.Response get(String path) throws IOException {
        return RawHttp.request("GET", TestServer.CONTEXT + "/" + path).send(server.port());
    }

    /** The files under the bucket's directory and their sizes: S3Proxy writes an upload there as it arrives. */
    private Map<Path, Long> filesInBucket() {
        try (var files = Files.walk(s3.bucketDirectory(bucket))) {
            return files.filter(Files::isRegularFile).collect(Collectors.toMap(f -> f, f -> f.toFile().length()));
        } catch (IOException | java.io.UncheckedIOException e) { // a file renamed while walking: look again
            return Map.of();
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(DEADLINE_SECONDS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("gave up waiting for " + what);
            }
            Thread.sleep(20);
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed in the head: " + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1);
    }

    /** The replay window of the S3 upload body, mirrored: past it the store has the upload's own bytes. */
    private static final class ExactLengthBodyWindow {
        static final long BYTES = 256 * 1024;
    }

    /** An upload whose body is sent in parts, the answer read while the rest may still be going out. */
    private static final class OpenUpload implements AutoCloseable {
        private final Socket socket;
        private final OutputStream out;

        OpenUpload(int port, String head) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), port);
            socket.setSoTimeout((int) TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
            out = socket.getOutputStream();
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
        }

        void write(InputStream body, int bytes) throws IOException {
            out.write(body.readNBytes(bytes));
            out.flush();
        }

        /** In a thread of its own: a server that answers early may stop reading, and the answer must still be read. */
        void writeRestInBackground(InputStream body) {
            Thread writer = new Thread(() -> {
                try {
                    body.transferTo(out);
                    out.flush();
                } catch (IOException e) {
                    // the server answered and closed before taking the rest
                }
            }, "rest of the upload");
            writer.setDaemon(true);
            writer.start();
        }

        RawHttp.Response response() throws IOException {
            return RawHttp.Response.read(socket.getInputStream(), false);
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
