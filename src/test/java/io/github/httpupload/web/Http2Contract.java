package io.github.httpupload.web;

import io.github.httpupload.auth.TokenProtocol;
import io.github.httpupload.config.Parameters;
import io.github.httpupload.testsupport.TempDirs;
import io.github.httpupload.testsupport.TestServer;
import io.github.httpupload.testsupport.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

import static io.github.httpupload.web.UploadContract.newSlot;
import static io.github.httpupload.web.UploadContract.url;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The service over cleartext HTTP/2 (h2c), real sockets, run unchanged on every container: each
 * refusal keeps its status and one-line text/plain body, and downloads (200, 206, 304) work. The
 * JDK client upgrades with {@code Upgrade: h2c}; every response checked must say HTTP/2, so no
 * test passes by falling back to HTTP/1.1, and must carry no connection-specific header. The JDK
 * client tolerates one (it shows {@code connection: close} as a header), but RFC 9113 §8.2.2 makes
 * such a response malformed: curl (nghttp2) fails that stream with PROTOCOL_ERROR.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class Http2Contract {

    static final String SECRET = "http2 contract secret";
    static final int MAX_FILE_SIZE = 1024;
    /** Only a guard against a hung stream; no assertion depends on time. */
    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    /** RFC 9113 §8.2.2: these make an HTTP/2 message malformed. */
    private static final List<String> CONNECTION_SPECIFIC =
            List.of("connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade");

    private final Tokens tokens = new Tokens(SECRET);
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_2).connectTimeout(TIMEOUT).build();
    private Path sandbox;
    private TestServer server;

    /** Starts the container, filters in front, with h2c enabled. */
    abstract TestServer startWithH2c(Map<String, String> contextParameters) throws Exception;

    @BeforeAll
    void start() throws Exception {
        sandbox = Files.createTempDirectory("http2-contract");
        server = startWithH2c(Map.of(
                Parameters.SECRET, SECRET,
                Parameters.STORAGE_DIR, sandbox.resolve("storage").toString(),
                Parameters.MAX_FILE_SIZE, Integer.toString(MAX_FILE_SIZE)));
        assertTrue(server.started(), server.startFailure());
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
        TempDirs.delete(sandbox);
    }

    /**
     * A body-less GET first, so the upgrade happens on it and every PUT below goes out on an
     * HTTP/2 stream; per test, because a failed stream may have cost the previous connection.
     */
    @BeforeEach
    void upgradeTheConnection() throws Exception {
        send(request(url(newSlot() + "/warm-up.txt")).GET());
    }

    // ---- refusals: status and one-line text/plain body, over HTTP/2 -----------------------------

    @Test
    void aPutWithContentRangeIs400() throws Exception {
        String path = newSlot() + "/part.txt";
        byte[] content = bytes("partial");

        assertRefusal(400, send(signedPut(path, content).header("Content-Range", "bytes 0-6/100")));
    }

    @Test
    void aPathWithTooFewSegmentsIs400() throws Exception {
        byte[] content = bytes("no slot");
        String token = tokens.sign(TokenProtocol.V, "onlyone", content.length, null);

        assertRefusal(400, send(request(TestServer.CONTEXT + "/onlyone?v=" + token).PUT(BodyPublishers.ofByteArray(content))));
    }

    @Test
    void aBadTokenIs403() throws Exception {
        String path = newSlot() + "/forged.txt";

        assertRefusal(403, send(request(url(path) + "?v2=" + "0".repeat(64))
                .header("Content-Type", "text/plain").PUT(BodyPublishers.ofByteArray(bytes("forged")))));
    }

    @Test
    void anInvalidBearerTokenIs401() throws Exception {
        String path = newSlot() + "/bearer.txt";

        HttpResponse<byte[]> response = send(request(url(path)).header("Authorization", "Bearer garbage")
                .PUT(BodyPublishers.ofByteArray(bytes("bearer"))));

        assertRefusal(401, response);
        assertEquals("Bearer", response.headers().firstValue("WWW-Authenticate").orElse(null));
    }

    @Test
    void anExpiredBearerTokenIs410() throws Exception {
        String slot = newSlot();
        byte[] content = bytes("too late");
        String jwt = tokens.bearer(slot, "late.txt", content.length, "text/plain", Instant.now().minusSeconds(3600), null);

        assertRefusal(410, send(request(url(slot + "/late.txt")).header("Authorization", "Bearer " + jwt)
                .PUT(BodyPublishers.ofByteArray(content))));
    }

    @Test
    void aSecondPutToTheSameUrlIs409AndTheFirstFileStays() throws Exception {
        String path = newSlot() + "/once.txt";
        byte[] first = bytes("first");

        assertEquals(201, send(signedPut(path, first)).statusCode());
        assertRefusal(409, send(signedPut(path, bytes("other"))));
        assertArrayEquals(first, send(request(url(path)).GET()).body());
    }

    @Test
    void aPutWithoutContentLengthIs411() throws Exception {
        String path = newSlot() + "/streamed.txt";
        byte[] content = bytes("length unknown");
        // ofInputStream has no known length, so the client sends no content-length on the stream.
        HttpRequest.BodyPublisher unknownLength = BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(content));

        assertRefusal(411, send(request(url(path) + "?v2=" + tokens.sign(TokenProtocol.V2, path, content.length, "text/plain"))
                .header("Content-Type", "text/plain").PUT(unknownLength)));
    }

    @Test
    void aPutAboveMaxFileSizeIs413() throws Exception {
        String path = newSlot() + "/large.bin";

        assertRefusal(413, send(signedPut(path, new byte[2 * MAX_FILE_SIZE])));
    }

    @Test
    void aGetOfAPathNeverUploadedIs404() throws Exception {
        assertRefusal(404, send(request(url(newSlot() + "/nothing.txt")).GET()));
    }

    @Test
    void aRangeBeyondTheFileIs416() throws Exception {
        String path = stored("small.bin", 100);

        HttpResponse<byte[]> response = send(request(url(path)).header("Range", "bytes=999999-").GET());

        assertRefusal(416, response);
        assertEquals("bytes */100", response.headers().firstValue("Content-Range").orElse(null));
    }

    // ---- downloads ---------------------------------------------------------------------------

    @Test
    void ifNoneMatchWithTheETagIs304() throws Exception {
        String path = stored("cached.bin", 100);
        String etag = send(request(url(path)).GET()).headers().firstValue("ETag").orElseThrow();

        HttpResponse<byte[]> response = send(request(url(path)).header("If-None-Match", etag).GET());

        assertEquals(304, response.statusCode());
        assertEquals(0, response.body().length);
        assertEquals(etag, response.headers().firstValue("ETag").orElse(null));
    }

    @Test
    void anUploadIsServedWholeAndByRange() throws Exception {
        String path = newSlot() + "/round trip.bin";
        byte[] content = new byte[MAX_FILE_SIZE];
        new Random(7).nextBytes(content);

        HttpResponse<byte[]> put = send(signedPut(path, content));
        HttpResponse<byte[]> whole = send(request(url(path)).GET());
        HttpResponse<byte[]> part = send(request(url(path)).header("Range", "bytes=100-199").GET());

        assertEquals(201, put.statusCode(), text(put));
        assertEquals(200, whole.statusCode());
        assertArrayEquals(content, whole.body());
        assertEquals("text/plain", whole.headers().firstValue("Content-Type").orElse(null));
        assertEquals(206, part.statusCode());
        assertEquals("bytes 100-199/" + content.length, part.headers().firstValue("Content-Range").orElse(null));
        assertArrayEquals(Arrays.copyOfRange(content, 100, 200), part.body());
    }

    // ---- helpers ------------------------------------------------------------------------------

    private HttpRequest.Builder request(String target) {
        return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + target)).timeout(TIMEOUT);
    }

    /** A PUT of {@code content} as text/plain with a valid v2 token for {@code path}. */
    private HttpRequest.Builder signedPut(String path, byte[] content) {
        return request(url(path) + "?v2=" + tokens.sign(TokenProtocol.V2, path, content.length, "text/plain"))
                .header("Content-Type", "text/plain").PUT(BodyPublishers.ofByteArray(content));
    }

    /** Sends the request; the answer must be a well-formed HTTP/2 response, or the test proves nothing. */
    private HttpResponse<byte[]> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = client.send(request.build(), BodyHandlers.ofByteArray());
        assertEquals(HttpClient.Version.HTTP_2, response.version(), "not answered over HTTP/2");
        Map<String, List<String>> forbidden = new TreeMap<>(response.headers().map());
        forbidden.keySet().removeIf(name -> !CONNECTION_SPECIFIC.contains(name.toLowerCase(Locale.ROOT)));
        assertEquals(Map.of(), forbidden, "connection-specific header in an HTTP/2 response (RFC 9113 §8.2.2), status "
                + response.statusCode());
        return response;
    }

    private String stored(String name, int size) throws Exception {
        String path = newSlot() + "/" + name;
        HttpResponse<byte[]> put = send(signedPut(path, new byte[size]));
        assertEquals(201, put.statusCode(), text(put));
        return path;
    }

    private static void assertRefusal(int status, HttpResponse<byte[]> response) {
        String text = text(response);
        assertEquals(status, response.statusCode(), text);
        String type = response.headers().firstValue("Content-Type").orElse("");
        assertTrue(type.startsWith("text/plain"), type);
        assertTrue(text.matches("[^\\r\\n]+\\n"), "not one line of text: " + text);
    }

    private static String text(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
