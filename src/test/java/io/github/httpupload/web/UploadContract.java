package io.github.httpupload.web;

import io.github.httpupload.auth.TokenProtocol;
import io.github.httpupload.config.Parameters;
import io.github.httpupload.testsupport.LogCapture;
import io.github.httpupload.testsupport.RawHttp;
import io.github.httpupload.testsupport.StorageBackend;
import io.github.httpupload.testsupport.RawHttp.Response;
import io.github.httpupload.testsupport.TempDirs;
import io.github.httpupload.testsupport.TestServer;
import io.github.httpupload.testsupport.Tokens;
import io.github.httpupload.testsupport.UrlSpelling;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.logging.Level;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The HTTP behaviour of the service, over real sockets, run unchanged on every container and
 * storage backend: each subclass only says which container to start and which backend to use.
 * What only the local directory has (a full disk, sendfile, files on disk) is {@link LocalUploadContract}'s. URLs are spelled the way real clients spell them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class UploadContract {

    static final String SECRET = "contract test secret";
    static final long MAX_FILE_SIZE = 2 * 1024 * 1024;
    /** The name of the main server's store (locally its directory in the sandbox). */
    static final String MAIN_STORE = "storage";

    private final Tokens tokens = new Tokens(SECRET);
    private Path sandbox;
    private StorageBackend.Store store;
    private TestServer server;

    abstract TestServer.Factory container();

    abstract StorageBackend backend();

    @BeforeAll
    void start() throws Exception {
        sandbox = Files.createTempDirectory("upload-contract");
        store = newStore(MAIN_STORE);
        server = container().start(store.parametersWith(Map.of(
                Parameters.SECRET, SECRET,
                Parameters.MAX_FILE_SIZE, Long.toString(MAX_FILE_SIZE))), true);
        assertTrue(server.started(), "the service did not start");
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
        TempDirs.delete(sandbox);
    }

    // ---- uploads that succeed ------------------------------------------------------------------

    @ParameterizedTest(name = "{0} token: 201, then GET returns the bytes and type")
    @EnumSource(value = TokenProtocol.class, names = "BEARER", mode = EnumSource.Mode.EXCLUDE)
    void uploadWithEachProtocol(TokenProtocol protocol) throws IOException {
        String path = newSlot() + "/photo.jpg";
        byte[] content = bytes("a photo, uploaded with " + protocol);

        Response put = put(path, protocol, content, "image/jpeg");

        assertEquals(201, put.status(), put.text());
        assertEquals(0, put.body().length);
        Response get = get(path);
        assertEquals(200, get.status());
        assertArrayEquals(content, get.body());
        assertEquals("image/jpeg", get.header("Content-Type"));
    }

    @Test
    void v2WithoutContentTypeSignsAndStoresTheDefault() throws IOException {
        String path = newSlot() + "/data.bin";
        byte[] content = bytes("no type announced");
        String token = tokens.sign(TokenProtocol.V2, path, content.length, "application/octet-stream");

        Response put = RawHttp.request("PUT", url(path) + "?v2=" + token).body(content).send(port());

        assertEquals(201, put.status(), put.text());
        assertEquals("application/octet-stream", get(path).header("Content-Type"));
    }

    @ParameterizedTest(name = "Content-Type [{0}] is kept as sent")
    @ValueSource(strings = {"text/plain; charset=ISO-8859-1", "text/plain;charset=UTF-8", "application/x-custom+json;v=2", "image/jpeg; name=\"a b.jpg\""})
    void unusualContentTypesAreStoredAndServedAsSent(String contentType) throws IOException {
        String path = newSlot() + "/file.bin";
        byte[] content = bytes("typed");

        assertEquals(201, put(path, TokenProtocol.V2, content, contentType).status());

        Response get = get(path);
        assertEquals(200, get.status());
        assertArrayEquals(content, get.body());
        // Containers may respell a charset name in the response (Jetty lower-cases it); it means the same.
        assertEquals(contentType.replace(" ", "").toLowerCase(), get.header("Content-Type").replace(" ", "").toLowerCase());
    }

    @Test
    void anUnknownCharsetIsDroppedSoDownloadsLogNothing() throws IOException {
        String path = newSlot() + "/file.txt";
        assertEquals(201, put(path, TokenProtocol.V2, bytes("text"), "text/plain; charset=no-such-charset").status());

        // Stored as sent, Tomcat logged a WARNING with a stack trace on every download: a flooding vector.
        try (LogCapture log = new LogCapture(Level.WARNING)) {
            for (int i = 0; i < 3; i++) {
                Response get = get(path);
                assertEquals(200, get.status());
                assertEquals("text/plain", get.header("Content-Type"));
                assertArrayEquals(bytes("text"), get.body());
            }
            assertEquals("", log.text());
        }
    }

    @Test
    void ejabberdShapedThreeSegmentPathWorks() throws IOException {
        String path = "43feddb25776a343c69835c7e79dc2c7f59598a6/" + UUID.randomUUID().toString().replace("-", "") + "/my-juliet.jpg";

        assertEquals(201, put(path, TokenProtocol.V, bytes("juliet"), "image/jpeg").status());
        assertArrayEquals(bytes("juliet"), get(path).body());
    }

    // ---- every spelling of a name finds the same file ------------------------------------------

    static Stream<Arguments> namesAndSpellings() {
        List<String> names = List.of(
                "très cool.jpg",
                "a+b c%20d.jpg",
                "notes (v1);draft=2.txt",
                "#hash? and 100% 'quotes' \"double\".txt",
                "é".repeat(70) + "日本語".repeat(43) + ".txt");
        List<Arguments> cases = new ArrayList<>();
        for (String name : names) {
            for (UrlSpelling spelling : UrlSpelling.values()) {
                String shown = name.length() > 40 ? "200-character unicode name" : name;
                cases.add(arguments(shown, name, spelling));
            }
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "[{0}] uploaded as {2} is found by every spelling")
    @MethodSource("namesAndSpellings")
    void everySpellingOfANameFindsTheSameFile(String shown, String name, UrlSpelling uploadSpelling) throws IOException {
        String path = newSlot() + "/" + name;
        byte[] content = bytes("content of " + name);
        String token = tokens.sign(TokenProtocol.V2, path, content.length, "text/plain");

        Response put = RawHttp.request("PUT", TestServer.CONTEXT + "/" + uploadSpelling.encode(path) + "?v2=" + token)
                .header("Content-Type", "text/plain").body(content).send(port());

        assertEquals(201, put.status(), put.text());
        for (UrlSpelling spelling : UrlSpelling.values()) {
            Response get = RawHttp.request("GET", TestServer.CONTEXT + "/" + spelling.encode(path)).send(port());
            assertEquals(200, get.status(), spelling + ": " + get.text());
            assertArrayEquals(content, get.body(), spelling.toString());
        }
    }

    // ---- refusals -----------------------------------------------------------------------------

    static Stream<Arguments> forbidden() {
        return Stream.of(
                arguments("no token", (Refusal) (t, path, body) -> ""),
                arguments("empty token", (Refusal) (t, path, body) -> "?v="),
                arguments("token of another secret", (Refusal) (t, path, body) ->
                        "?v=" + new Tokens("another secret").sign(TokenProtocol.V, path, body.length, null)),
                arguments("uppercase hex", (Refusal) (t, path, body) ->
                        "?v=" + t.sign(TokenProtocol.V, path, body.length, null).toUpperCase()),
                arguments("truncated token", (Refusal) (t, path, body) ->
                        "?v=" + t.sign(TokenProtocol.V, path, body.length, null).substring(1)),
                arguments("token for another length", (Refusal) (t, path, body) ->
                        "?v=" + t.sign(TokenProtocol.V, path, body.length + 1, null)),
                arguments("token for another type", (Refusal) (t, path, body) ->
                        "?v2=" + t.sign(TokenProtocol.V2, path, body.length, "image/png")),
                arguments("token for another path", (Refusal) (t, path, body) ->
                        "?v=" + t.sign(TokenProtocol.V, path + "x", body.length, null)),
                arguments("token given twice", (Refusal) (t, path, body) -> {
                    String good = t.sign(TokenProtocol.V, path, body.length, null);
                    return "?v=" + good + "&v=" + good;
                }),
                arguments("failing v2 beside a valid v", (Refusal) (t, path, body) ->
                        "?v2=" + t.sign(TokenProtocol.V2, path, body.length, "image/png")
                                + "&v=" + t.sign(TokenProtocol.V, path, body.length, null)));
    }

    @ParameterizedTest(name = "403 for {0}")
    @MethodSource("forbidden")
    void invalidTokensAreForbiddenAndStoreNothing(String reason, Refusal query) throws IOException {
        String path = newSlot() + "/file.txt";
        byte[] content = bytes("must not be stored");

        Response put = RawHttp.request("PUT", url(path) + query.of(tokens, path, content))
                .header("Content-Type", "image/jpeg").body(content).send(port());

        assertPlainTextError(403, put);
        assertEquals(404, get(path).status());
    }

    @Test
    void aRejectedTokenLogsTheSignedStringAtDebugButNeverTheSecretOrExpectedToken() throws IOException {
        String path = newSlot() + "/debug me.txt";
        byte[] content = bytes("12345");
        String expectedToken = tokens.sign(TokenProtocol.V2, path, content.length, "text/plain");
        String wrongToken = tokens.sign(TokenProtocol.V2, path, content.length, "text/html");

        String log;
        try (LogCapture capture = new LogCapture(Level.FINE)) {
            Response put = RawHttp.request("PUT", url(path) + "?v2=" + wrongToken)
                    .header("Content-Type", "text/plain").body(content).send(port());
            assertEquals(403, put.status());
            log = capture.text();
        }

        assertTrue(log.contains("the signed string was \"" + path + "\\05\\0text/plain\""), log);
        assertFalse(log.contains(expectedToken), log);
        assertFalse(log.contains(SECRET), log);
    }

    @Test
    void theStrongestValidTokenIsUsed() throws IOException {
        String path = newSlot() + "/file.txt";
        byte[] content = bytes("v2 wins over a broken v");
        String query = "?v=" + "0".repeat(64) + "&v2=" + tokens.sign(TokenProtocol.V2, path, content.length, "text/plain");

        Response put = RawHttp.request("PUT", url(path) + query).header("Content-Type", "text/plain").body(content).send(port());

        assertEquals(201, put.status(), put.text());
    }

    @Test
    void withoutContentLengthTheAnswerIs411() throws IOException {
        String path = newSlot() + "/chunked.txt";
        byte[] chunked = bytes("5\r\nhello\r\n0\r\n\r\n");

        Response put = RawHttp.request("PUT", url(path) + "?v=" + tokens.sign(TokenProtocol.V, path, 5, null))
                .header("Transfer-Encoding", "chunked").body(new ByteArrayInputStream(chunked)).send(port());

        assertPlainTextError(411, put);
        assertEquals(404, get(path).status());
    }

    @ParameterizedTest(name = "{0} bytes announced: 413 without sending a body byte")
    @ValueSource(longs = {MAX_FILE_SIZE + 1, 3L * 1024 * 1024 * 1024})
    void tooLargeIsRefusedBeforeTheBodyIsSent(long announced) throws IOException {
        String path = newSlot() + "/huge.bin";
        List<String> before = store.contents();

        // Only the head is sent; the answer arrives although not one body byte was transferred.
        Response put = RawHttp.request("PUT", url(path) + "?v=" + tokens.sign(TokenProtocol.V, path, announced, null))
                .header("Content-Length", announced).send(port());

        assertPlainTextError(413, put);
        assertEquals(before, store.contents());
    }

    @Test
    void aReplayIsAConflictAndTheFirstFileStays() throws IOException {
        String path = newSlot() + "/once.txt";
        byte[] first = bytes("first upload");
        byte[] second = bytes("other upload");

        assertEquals(201, put(path, TokenProtocol.V, first, "text/plain").status());
        assertPlainTextError(409, put(path, TokenProtocol.V, second, "text/plain"));
        assertPlainTextError(409, put(path, TokenProtocol.V, first, "text/plain"));

        assertArrayEquals(first, get(path).body());
    }

    @Test
    void ofTwentyFourConcurrentUploadsToOneSlotExactlyOneIsCreated() throws Exception {
        String path = newSlot() + "/race.txt";
        int uploads = 24;
        ExecutorService pool = Executors.newFixedThreadPool(uploads);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<Integer>> statuses = new ArrayList<>();
        List<byte[]> bodies = new ArrayList<>();
        for (int i = 0; i < uploads; i++) {
            byte[] content = bytes("racer " + (10 + i) + " " + "x".repeat(64 * 1024));
            bodies.add(content);
            statuses.add(pool.submit(() -> {
                go.await();
                return put(path, TokenProtocol.V, content, "text/plain").status();
            }));
        }
        go.countDown();
        List<Integer> results = new ArrayList<>();
        for (Future<Integer> status : statuses) {
            results.add(status.get());
        }
        pool.shutdown();

        assertEquals(1, results.stream().filter(s -> s == 201).count(), results.toString());
        assertEquals(uploads - 1, results.stream().filter(s -> s == 409).count(), results.toString());
        byte[] stored = get(path).body();
        assertTrue(bodies.stream().anyMatch(b -> java.util.Arrays.equals(b, stored)), "the stored file is one whole upload");
    }

    @Test
    void aClientThatHangsUpMidBodyLeavesNothingAndCanRetry() throws Exception {
        String path = newSlot() + "/interrupted.bin";
        byte[] content = new byte[200_000];
        new java.util.Random(7).nextBytes(content);
        String target = url(path) + "?v=" + tokens.sign(TokenProtocol.V, path, content.length, null);

        RawHttp.request("PUT", target).header("Content-Length", content.length)
                .body(new ByteArrayInputStream(content)).sendAndAbort(port(), 50_000);

        store.awaitNothingPartial();
        assertEquals(404, get(path).status());
        Response retry = RawHttp.request("PUT", target).body(content).send(port());
        assertEquals(201, retry.status(), retry.text());
        assertArrayEquals(content, get(path).body());
    }

    static Stream<String> hostilePaths() {
        return Stream.of("%2e%2e/%2e%2e/escaped.txt", "a/%2e%2e/%2e%2e/escaped.txt", "a/..%2f..%2fescaped.txt",
                "a/b%00c.txt", "a/%5c..%5cescaped.txt", "a//b.txt", "a/./b.txt", "a/b/", "a/b%0d%0aX-Injected:%201");
    }

    @ParameterizedTest(name = "PUT {0}: refused, nothing written anywhere")
    @MethodSource("hostilePaths")
    void hostilePathsAreRefusedAndTouchNothing(String encodedPath) throws IOException {
        String decoded = java.net.URLDecoder.decode(encodedPath.replace("+", "%2b"), StandardCharsets.UTF_8);
        byte[] content = bytes("hostile");
        List<Path> before = allFiles(sandbox);
        List<String> storedBefore = store.contents();

        Response put = RawHttp.request("PUT", TestServer.CONTEXT + "/" + encodedPath + "?v="
                + tokens.sign(TokenProtocol.V, decoded, content.length, null)).body(content).send(port());

        assertTrue(put.status() >= 400 && put.status() < 500, put.status() + " " + put.text());
        assertEquals(before, allFiles(sandbox));
        assertEquals(storedBefore, store.contents());
    }

    @Test
    void aSingleSegmentPathIsRefused() throws IOException {
        String path = "lonely-" + UUID.randomUUID() + ".txt";

        assertPlainTextError(400, put(path, TokenProtocol.V, bytes("alone"), "text/plain"));
    }

    @Test
    void onlyTheConfiguredProtocolsAreAccepted() throws Exception {
        try (TestServer v2Only = container().start(newStore("v2-only").parametersWith(Map.of(
                Parameters.SECRET, SECRET,
                Parameters.PROTOCOLS, "v2")), true)) {
            assertTrue(v2Only.started());
            String path = newSlot() + "/typed.txt";
            byte[] content = bytes("v2 only");

            Response v1 = RawHttp.request("PUT", url(path) + "?v=" + tokens.sign(TokenProtocol.V, path, content.length, null))
                    .header("Content-Type", "text/plain").body(content).send(v2Only.port());
            Response v2 = RawHttp.request("PUT", url(path) + "?v2=" + tokens.sign(TokenProtocol.V2, path, content.length, "text/plain"))
                    .header("Content-Type", "text/plain").body(content).send(v2Only.port());

            assertPlainTextError(403, v1);
            assertEquals(201, v2.status(), v2.text());
        }
    }

    @Test
    void aNonAsciiContentTypeIsSignedWithTheBytesTheClientSent() throws IOException {
        String path = newSlot() + "/named.txt";
        String type = "text/plain; name=\"tr\u00e8s.txt\"";
        byte[] content = bytes("typed");
        // On the wire the header carries the UTF-8 bytes of the type the XMPP server signed.
        String onTheWire = new String(type.getBytes(StandardCharsets.UTF_8), StandardCharsets.ISO_8859_1);

        Response put = RawHttp.request("PUT", url(path) + "?v2=" + tokens.sign(TokenProtocol.V2, path, content.length, type))
                .header("Content-Type", onTheWire).body(content).send(port());

        assertEquals(201, put.status(), put.text());
        // Not a well-formed RFC 9110 media type (raw non-ASCII in a quoted string), so not served as such.
        assertEquals("application/octet-stream", get(path).header("Content-Type"));
    }

    @ParameterizedTest(name = "Content-Type [{0}] is served as application/octet-stream, attachment")
    @ValueSource(strings = {"image/png, text/html", "x", "/", "text/html;", "image/png\ttext/html", "image/png; a=b, text/html"})
    void malformedContentTypesAreNeverServedAsTheyCame(String contentType) throws IOException {
        String path = newSlot() + "/file.png";

        assertEquals(201, put(path, TokenProtocol.V, bytes("not html"), contentType).status());

        Response get = get(path);
        assertEquals("application/octet-stream", get.header("Content-Type"));
        assertTrue(get.header("Content-Disposition").startsWith("attachment;"), get.header("Content-Disposition"));
    }

    @Test
    void aRefusedUploadIsNotReadBeyondASmallBound() throws IOException {
        String path = newSlot() + "/refused.bin";
        long announced = 1024L * 1024 * 1024;
        String head = "PUT " + url(path) + "?v=" + tokens.sign(TokenProtocol.V, path, announced, null) + " HTTP/1.1\r\n"
                + "Host: 127.0.0.1\r\nContent-Length: " + announced + "\r\n\r\n";
        long sent = 0;
        try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), port())) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(head.getBytes(StandardCharsets.ISO_8859_1));
            byte[] status = socket.getInputStream().readNBytes(12);
            assertEquals("HTTP/1.1 413", new String(status, StandardCharsets.ISO_8859_1));
            // Keep sending the body: the server must hang up long before the gigabyte is through.
            byte[] chunk = new byte[64 * 1024];
            try {
                while (sent < announced) {
                    socket.getOutputStream().write(chunk);
                    sent += chunk.length;
                }
            } catch (IOException expected) {
                // connection reset or broken pipe: the server closed it
            }
        }
        assertTrue(sent < 64L * 1024 * 1024, "the server accepted " + sent + " bytes of a refused upload");
    }

    @ParameterizedTest(name = "prefix spelled {0}: {1}")
    @CsvSource({"/upload, 200", "/upload;jsessionid=x, 200", "/%75pload, 200", "//upload, 404", "/./upload, 404",
            "/x/../upload, 404"})
    void theContextPrefixMustBeSpelledAsMapped(String prefix, int status) throws IOException {
        String path = stored("prefix.txt", 10);

        Response get = RawHttp.request("GET", prefix + "/" + UrlSpelling.PROSODY_LOWERCASE.encode(path)).send(port());

        if (status == 404) {
            assertTrue(get.status() == 400 || get.status() == 404, get.status() + " " + get.text());
        } else {
            assertEquals(status, get.status(), get.text());
        }
    }

    @Test
    void ofFiftyConcurrentUploadsToOneSlotExactlyOneIsCreatedAndTwoHundredDistinctAllSucceed() throws Exception {
        String path = newSlot() + "/fifty.txt";
        ExecutorService pool = Executors.newFixedThreadPool(50);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Integer>> sameSlot = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                byte[] content = bytes("racer " + (10 + i));
                sameSlot.add(pool.submit(() -> {
                    go.await();
                    return put(path, TokenProtocol.V, content, "text/plain").status();
                }));
            }
            go.countDown();
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> status : sameSlot) {
                statuses.add(status.get());
            }
            assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
            assertEquals(49, statuses.stream().filter(s -> s == 409).count(), statuses.toString());

            String existing = stored("read-while-writing.bin", 300_000);
            byte[] existingBytes = get(existing).body();
            List<Future<Boolean>> mixed = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String distinct = newSlot() + "/file-" + i + ".bin";
                byte[] content = new byte[1000 + i * 997];
                new java.util.Random(i).nextBytes(content);
                mixed.add(pool.submit(() -> put(distinct, TokenProtocol.V2, content, "application/octet-stream").status() == 201
                        && java.util.Arrays.equals(content, get(distinct).body())));
                if (i % 4 == 0) {
                    mixed.add(pool.submit(() -> java.util.Arrays.equals(existingBytes, get(existing).body())));
                }
            }
            for (Future<Boolean> ok : mixed) {
                assertTrue(ok.get(), "an upload or download failed or returned other bytes");
            }
        } finally {
            pool.shutdown();
        }
    }

    @Test
    void aTricklingClientIsEndedWith408AndLeavesNothing() throws Exception {
        StorageBackend.Store slowStore = newStore("slow-storage");
        try (TestServer strict = container().start(slowStore.parametersWith(Map.of(
                Parameters.SECRET, SECRET,
                Parameters.UPLOAD_IDLE_TIMEOUT, "1")), true)) {
            assertTrue(strict.started());
            String path = newSlot() + "/trickle.bin";
            int length = 100_000;
            String head = "PUT " + url(path) + "?v=" + tokens.sign(TokenProtocol.V, path, length, null) + " HTTP/1.1\r\n"
                    + "Host: 127.0.0.1\r\nContent-Length: " + length + "\r\n\r\n";
            Response answer;
            try (java.net.Socket socket = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(), strict.port())) {
                socket.setSoTimeout(20_000);
                java.io.OutputStream out = socket.getOutputStream();
                out.write(head.getBytes(StandardCharsets.ISO_8859_1));
                Thread trickle = new Thread(() -> {
                    try {
                        for (int i = 0; i < 200; i++) { // at most 20 s: a byte every 100 ms
                            out.write('x');
                            out.flush();
                            Thread.sleep(100);
                        }
                    } catch (IOException | InterruptedException e) {
                        // the server hung up: what this test waits for
                    }
                });
                trickle.setDaemon(true);
                trickle.start();
                answer = RawHttp.Response.read(socket.getInputStream(), false);
                trickle.interrupt();
            }

            assertPlainTextError(408, answer);
            slowStore.assertNothingPartial();
            byte[] content = new byte[length];
            assertEquals(201, putTo(strict, path, content).status(), "the same URL works for a client that keeps up");
        }
    }

    // ---- downloads ----------------------------------------------------------------------------

    @Test
    void getAndHeadCarryTheSameHeadersAndHeadNoBody() throws IOException {
        String path = newSlot() + "/très cool.png";
        byte[] content = new byte[100_000];
        new java.util.Random(3).nextBytes(content);
        assertEquals(201, put(path, TokenProtocol.V2, content, "image/png").status());

        Response get = get(path);
        Response head = RawHttp.request("HEAD", url(path)).send(port());

        assertEquals(200, get.status());
        assertArrayEquals(content, get.body());
        assertEquals(200, head.status());
        assertEquals(0, head.body().length);
        for (Response response : List.of(get, head)) {
            assertEquals("100000", response.header("Content-Length"));
            assertEquals("image/png", response.header("Content-Type"));
            assertEquals("inline; filename=\"tr_s cool.png\"; filename*=UTF-8''tr%C3%A8s%20cool.png", response.header("Content-Disposition"));
            assertEquals("nosniff", response.header("X-Content-Type-Options"));
            assertEquals("DENY", response.header("X-Frame-Options"));
            assertTrue(response.header("Content-Security-Policy").startsWith("default-src 'none';"));
            assertTrue(response.header("Content-Security-Policy").contains("frame-ancestors 'none'"));
        }
    }

    @Test
    void htmlIsOfferedAsAnAttachment() throws IOException {
        String path = newSlot() + "/page.html";
        assertEquals(201, put(path, TokenProtocol.V, bytes("<script>alert(1)</script>"), "text/html").status());

        Response get = get(path);

        assertTrue(get.header("Content-Disposition").startsWith("attachment;"), get.header("Content-Disposition"));
        assertEquals("nosniff", get.header("X-Content-Type-Options"));
    }

    @ParameterizedTest(name = "GET {0}: 404, no listing")
    @ValueSource(strings = {"/", "/no-such-slot/file.txt", "/SLOT", "/SLOT/", "/SLOT/stored.tx", "/SLOT/stored.txt/"})
    void unknownPathsAre404WithoutListing(String suffix) throws IOException {
        String slot = newSlot();
        assertEquals(201, put(slot + "/stored.txt", TokenProtocol.V, bytes("stored"), "text/plain").status());

        Response get = RawHttp.request("GET", TestServer.CONTEXT + suffix.replace("SLOT", slot)).send(port());

        assertPlainTextError(404, get);
        assertFalse(get.text().contains("stored.txt"));
    }

    @ParameterizedTest(name = "{0}: 405 with Allow")
    @ValueSource(strings = {"POST", "DELETE", "PATCH"})
    void otherMethodsAre405(String method) throws IOException {
        Response response = RawHttp.request(method, url(newSlot() + "/file.txt")).body(bytes("x")).send(port());

        assertPlainTextError(405, response);
        assertEquals("GET, HEAD, PUT, OPTIONS", response.header("Allow"));
    }

    // ---- validators, conditional requests, ranges ---------------------------------------------

    @Test
    void downloadsCarryValidatorsAndCachingHeaders() throws IOException {
        String path = stored("cache.txt", 10_000);

        for (String method : List.of("GET", "HEAD")) {
            Response response = RawHttp.request(method, url(path)).send(port());
            assertEquals(200, response.status());
            assertTrue(response.header("ETag").matches("\"[0-9a-f]+-[0-9a-f]+\""), response.header("ETag"));
            assertTrue(response.header("Last-Modified").endsWith(" GMT"), response.header("Last-Modified"));
            assertEquals("public, max-age=31536000, immutable", response.header("Cache-Control"));
            assertEquals("bytes", response.header("Accept-Ranges"));
        }
    }

    @ParameterizedTest(name = "Range: {0} -> 206 {1}")
    @MethodSource("ranges")
    void aSingleRangeIsAnsweredWith206(String range, String contentRange, int from, int to) throws IOException {
        String path = stored("range.bin", 100_000);
        byte[] content = get(path).body();

        Response partial = RawHttp.request("GET", url(path)).header("Range", range).send(port());

        assertEquals(206, partial.status(), partial.text());
        assertEquals(contentRange, partial.header("Content-Range"));
        assertEquals(Integer.toString(to - from), partial.header("Content-Length"));
        assertArrayEquals(java.util.Arrays.copyOfRange(content, from, to), partial.body());
        assertEquals("application/octet-stream", partial.header("Content-Type"));
    }

    static Stream<Arguments> ranges() {
        return Stream.of(
                arguments("bytes=0-1", "bytes 0-1/100000", 0, 2),
                arguments("bytes=0-65535", "bytes 0-65535/100000", 0, 65536),
                arguments("bytes=99990-", "bytes 99990-99999/100000", 99990, 100000),
                arguments("bytes=-10", "bytes 99990-99999/100000", 99990, 100000),
                arguments("bytes=50000-999999", "bytes 50000-99999/100000", 50000, 100000),
                arguments("bytes=12345-80000", "bytes 12345-80000/100000", 12345, 80001));
    }

    @ParameterizedTest(name = "Range: {0} -> 416")
    @ValueSource(strings = {"bytes=100000-", "bytes=200000-300000", "bytes=-0"})
    void anUnsatisfiableRangeIs416WithTheSize(String range) throws IOException {
        String path = stored("small.bin", 100_000);

        Response response = RawHttp.request("GET", url(path)).header("Range", range).send(port());

        assertPlainTextError(416, response);
        assertEquals("bytes */100000", response.header("Content-Range"));
    }

    @ParameterizedTest(name = "Range: {0} -> the whole file")
    @ValueSource(strings = {"bytes=0-1,5-6", "bytes=5-1", "pages=1-2", "bytes=x-"})
    void multipleOrMalformedRangesGetTheWholeFile(String range) throws IOException {
        String path = stored("whole.bin", 5_000);

        Response response = RawHttp.request("GET", url(path)).header("Range", range).send(port());

        assertEquals(200, response.status());
        assertEquals(5_000, response.body().length);
        assertNull(response.header("Content-Range"));
    }

    @Test
    void headIgnoresRange() throws IOException {
        String path = stored("head.bin", 5_000);

        Response head = RawHttp.request("HEAD", url(path)).header("Range", "bytes=0-1").send(port());

        assertEquals(200, head.status());
        assertEquals("5000", head.header("Content-Length"));
    }

    @Test
    void ifRangeHonoursTheRangeOnlyForThisVersion() throws IOException {
        String path = stored("if-range.bin", 5_000);
        Response full = get(path);

        Response sameTag = RawHttp.request("GET", url(path)).header("Range", "bytes=0-1")
                .header("If-Range", full.header("ETag")).send(port());
        Response sameDate = RawHttp.request("GET", url(path)).header("Range", "bytes=0-1")
                .header("If-Range", full.header("Last-Modified")).send(port());
        Response otherTag = RawHttp.request("GET", url(path)).header("Range", "bytes=0-1")
                .header("If-Range", "\"something-else\"").send(port());
        Response weakTag = RawHttp.request("GET", url(path)).header("Range", "bytes=0-1")
                .header("If-Range", "W/" + full.header("ETag")).send(port());

        assertEquals(206, sameTag.status());
        assertEquals(206, sameDate.status());
        assertEquals(200, otherTag.status());
        assertEquals(5_000, otherTag.body().length);
        assertEquals(200, weakTag.status());
    }

    @Test
    void conditionalRequestsFollowRfc9110() throws IOException {
        String path = stored("conditional.bin", 1_000);
        Response full = get(path);
        String etag = full.header("ETag");
        String lastModified = full.header("Last-Modified");
        String longAgo = "Sat, 01 Jan 2000 00:00:00 GMT";
        String farAhead = "Fri, 01 Jan 2100 00:00:00 GMT";

        assertNotModified(conditional(path, "If-None-Match", etag), etag);
        assertNotModified(conditional(path, "If-None-Match", "\"other\", " + etag), etag);
        assertNotModified(conditional(path, "If-None-Match", "W/" + etag), etag);
        assertNotModified(conditional(path, "If-None-Match", "*"), etag);
        assertEquals(200, conditional(path, "If-None-Match", "\"other\"").status());
        assertNotModified(conditional(path, "If-Modified-Since", lastModified), etag);
        assertNotModified(conditional(path, "If-Modified-Since", farAhead), etag);
        assertEquals(200, conditional(path, "If-Modified-Since", longAgo).status());
        assertEquals(200, conditional(path, "If-Modified-Since", "not a date").status());
        // If-None-Match wins over If-Modified-Since.
        assertEquals(200, RawHttp.request("GET", url(path)).header("If-None-Match", "\"other\"")
                .header("If-Modified-Since", farAhead).send(port()).status());
        assertEquals(200, conditional(path, "If-Match", etag).status());
        assertPlainTextError(412, conditional(path, "If-Match", "\"other\""));
        assertPlainTextError(412, conditional(path, "If-Unmodified-Since", longAgo));
        assertEquals(200, conditional(path, "If-Unmodified-Since", farAhead).status());
    }

    // ---- CORS for browser clients ---------------------------------------------------------------

    @Test
    void aBrowserPreflightPutAndGetSequenceWorks() throws IOException {
        String origin = "https://chat.example.org";
        String path = newSlot() + "/from the browser.png";
        byte[] content = bytes("png bytes");
        String target = url(path) + "?v2=" + tokens.sign(TokenProtocol.V2, path, content.length, "image/png");

        Response preflight = RawHttp.request("OPTIONS", target).header("Origin", origin)
                .header("Access-Control-Request-Method", "PUT")
                .header("Access-Control-Request-Headers", "content-type").send(port());
        Response put = RawHttp.request("PUT", target).header("Origin", origin)
                .header("Content-Type", "image/png").body(content).send(port());
        Response get = RawHttp.request("GET", url(path)).header("Origin", origin).send(port());

        assertTrue(preflight.status() == 200 || preflight.status() == 204, "preflight " + preflight.status());
        assertEquals("*", preflight.header("Access-Control-Allow-Origin"));
        assertTrue(preflight.header("Access-Control-Allow-Methods").contains("PUT"));
        assertTrue(preflight.header("Access-Control-Allow-Headers").toLowerCase().contains("content-type"));
        // Scripts that read a file's tail (bytes=-n) or revalidate it make the browser preflight these.
        assertTrue(preflight.header("Access-Control-Allow-Headers").contains("Range"));
        assertTrue(preflight.header("Access-Control-Allow-Headers").contains("If-None-Match"));
        assertEquals("86400", preflight.header("Access-Control-Max-Age"));
        assertEquals(201, put.status(), put.text());
        assertEquals("*", put.header("Access-Control-Allow-Origin"));
        assertEquals(200, get.status());
        assertEquals("*", get.header("Access-Control-Allow-Origin"));
        assertArrayEquals(content, get.body());
    }

    @Test
    void errorsCarryCorsHeadersSoBrowsersSeeTheRealStatus() throws IOException {
        String origin = "https://chat.example.org";
        String path = stored("cors-errors.txt", 10);
        String fresh = newSlot() + "/new.txt";

        List<Response> errors = List.of(
                RawHttp.request("PUT", url(fresh) + "?v=" + "0".repeat(64)).header("Origin", origin).body(bytes("x")).send(port()),
                RawHttp.request("PUT", url(path) + "?v=" + tokens.sign(TokenProtocol.V, path, 10, null))
                        .header("Origin", origin).body(new byte[10]).send(port()),
                RawHttp.request("PUT", url(fresh) + "?v=" + tokens.sign(TokenProtocol.V, fresh, 5, null))
                        .header("Origin", origin).header("Transfer-Encoding", "chunked")
                        .body(new ByteArrayInputStream(bytes("5\r\nhello\r\n0\r\n\r\n"))).send(port()),
                RawHttp.request("PUT", url(fresh) + "?v=" + tokens.sign(TokenProtocol.V, fresh, MAX_FILE_SIZE + 1, null))
                        .header("Origin", origin).header("Content-Length", MAX_FILE_SIZE + 1).send(port()),
                RawHttp.request("GET", url(fresh)).header("Origin", origin).send(port()));

        assertEquals(List.of(403, 409, 411, 413, 404), errors.stream().map(Response::status).toList());
        for (Response error : errors) {
            assertEquals("*", error.header("Access-Control-Allow-Origin"), "status " + error.status());
        }
    }

    @Test
    void configuredOriginsAreEchoedAndOthersGetNoCorsHeaders() throws Exception {
        try (TestServer restricted = container().start(newStore("cors-storage").parametersWith(Map.of(
                Parameters.SECRET, SECRET,
                Parameters.CORS_ALLOWED_ORIGINS, "https://chat.example.org, https://web.example.net:8443",
                Parameters.CORS_MAX_AGE, "600")), true)) {
            assertTrue(restricted.started());
            String target = url(newSlot() + "/x.txt");

            Response allowed = RawHttp.request("OPTIONS", target).header("Origin", "https://web.example.net:8443")
                    .header("Access-Control-Request-Method", "PUT").send(restricted.port());
            Response other = RawHttp.request("OPTIONS", target).header("Origin", "https://evil.example.com")
                    .header("Access-Control-Request-Method", "PUT").send(restricted.port());
            Response get = RawHttp.request("GET", target).header("Origin", "https://chat.example.org").send(restricted.port());

            assertEquals("https://web.example.net:8443", allowed.header("Access-Control-Allow-Origin"));
            assertEquals("600", allowed.header("Access-Control-Max-Age"));
            assertTrue(allowed.headers().get("vary").contains("Origin"), allowed.headers().toString());
            assertNull(other.header("Access-Control-Allow-Origin"));
            assertNull(other.header("Access-Control-Allow-Methods"));
            assertEquals("https://chat.example.org", get.header("Access-Control-Allow-Origin"));
            assertEquals(404, get.status());
        }
    }

    // ---- the servlet alone fails closed ---------------------------------------------------------

    @Test
    void withoutTheFilterEveryPutIsForbidden() throws Exception {
        StorageBackend.Store otherStore = newStore("no-filter-storage");
        try (TestServer unguarded = container().start(otherStore.parametersWith(Map.of(
                Parameters.SECRET, SECRET)), false)) {
            assertTrue(unguarded.started());
            String path = newSlot() + "/sneaky.txt";
            byte[] content = bytes("sneaky");

            Response put = RawHttp.request("PUT", url(path) + "?v=" + tokens.sign(TokenProtocol.V, path, content.length, null))
                    .body(content).send(unguarded.port());

            assertPlainTextError(403, put);
            assertEquals(List.of(), otherStore.storedFiles());
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    @FunctionalInterface
    interface Refusal {
        String of(Tokens tokens, String path, byte[] body);
    }

    int port() {
        return server.port();
    }

    Path sandbox() {
        return sandbox;
    }

    /** A new, empty store of this suite's backend, for a server of the test's own. */
    StorageBackend.Store newStore(String name) throws Exception {
        return backend().newStore(sandbox, name);
    }

    Response put(String path, TokenProtocol protocol, byte[] content, String contentType) throws IOException {
        String token = tokens.sign(protocol, path, content.length, contentType);
        return RawHttp.request("PUT", url(path) + "?" + protocol.parameter() + "=" + token)
                .header("Content-Type", contentType).body(content).send(port());
    }

    Response putTo(TestServer target, String path, byte[] content) throws IOException {
        return RawHttp.request("PUT", url(path) + "?v=" + tokens.sign(TokenProtocol.V, path, content.length, null))
                .body(content).send(target.port());
    }

    List<Response> parallelPuts(TestServer target, int count, int size) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(count);
        try {
            CountDownLatch go = new CountDownLatch(1);
            List<Future<Response>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                byte[] content = new byte[size];
                new java.util.Random(i).nextBytes(content);
                String path = newSlot() + "/parallel-" + i + ".bin";
                futures.add(pool.submit(() -> {
                    go.await();
                    return putTo(target, path, content);
                }));
            }
            go.countDown();
            List<Response> responses = new ArrayList<>();
            for (Future<Response> future : futures) {
                responses.add(future.get());
            }
            return responses;
        } finally {
            pool.shutdown();
        }
    }

    Response get(String path) throws IOException {
        return RawHttp.request("GET", url(path)).send(port());
    }

    /** The URL path as Prosody writes it into the slot. */
    static String url(String path) {
        return TestServer.CONTEXT + "/" + UrlSpelling.PROSODY_LOWERCASE.encode(path);
    }

    static String newSlot() {
        return UUID.randomUUID().toString();
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    static void assertPlainTextError(int status, Response response) {
        assertEquals(status, response.status(), response.text());
        assertTrue(response.header("Content-Type").startsWith("text/plain"), response.header("Content-Type"));
        assertFalse(response.text().contains("<html"), response.text());
        assertFalse(response.text().contains("Exception"), response.text());
        assertNull(response.header("Content-Disposition"));
        // Only 200, 206 and 304 describe a stored file: an error carries no validator and no cache lifetime.
        assertNull(response.header("ETag"), "ETag on " + status);
        assertNull(response.header("Last-Modified"), "Last-Modified on " + status);
        assertNull(response.header("Cache-Control"), "Cache-Control on " + status);
    }

    /** Stores {@code size} pseudo-random bytes under a new slot; returns the decoded slot path. */
    String stored(String name, int size) throws IOException {
        String path = newSlot() + "/" + name;
        byte[] content = new byte[size];
        new java.util.Random(size).nextBytes(content);
        Response put = put(path, TokenProtocol.V2, content, "application/octet-stream");
        assertEquals(201, put.status(), put.text());
        return path;
    }

    private Response conditional(String path, String header, String value) throws IOException {
        return RawHttp.request("GET", url(path)).header(header, value).send(port());
    }

    private static void assertNotModified(Response response, String etag) {
        assertEquals(304, response.status());
        assertEquals(0, response.body().length);
        assertEquals(etag, response.header("ETag"));
        assertEquals("public, max-age=31536000, immutable", response.header("Cache-Control"));
    }

    private static List<Path> allFiles(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.sorted().toList();
        }
    }

}
