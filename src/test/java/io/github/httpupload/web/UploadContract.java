package io.github.httpupload.web;

import io.github.httpupload.config.TokenProtocol;
import io.github.httpupload.config.UploadConfig;
import io.github.httpupload.testsupport.LogCapture;
import io.github.httpupload.testsupport.RawHttp;
import io.github.httpupload.testsupport.RawHttp.Response;
import io.github.httpupload.testsupport.TestServer;
import io.github.httpupload.testsupport.Tokens;
import io.github.httpupload.testsupport.UrlSpelling;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
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
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * The HTTP behaviour of the service, over real sockets, run unchanged on every container: each
 * subclass only says which container to start. URLs are spelled the way real clients spell them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class UploadContract {

    static final String SECRET = "contract test secret";
    static final long MAX_FILE_SIZE = 2 * 1024 * 1024;

    private final Tokens tokens = new Tokens(SECRET);
    private Path sandbox;
    private Path storage;
    private TestServer server;

    abstract TestServer.Factory container();

    @BeforeAll
    void start() throws Exception {
        sandbox = Files.createTempDirectory("upload-contract");
        storage = sandbox.resolve("storage");
        server = container().start(Map.of(
                UploadConfig.PARAM_SECRET, SECRET,
                UploadConfig.PARAM_STORAGE_DIR, storage.toString(),
                UploadConfig.PARAM_MAX_FILE_SIZE, Long.toString(MAX_FILE_SIZE)), true);
        assertTrue(server.started(), "the service did not start");
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
    }

    // ---- uploads that succeed ------------------------------------------------------------------

    @ParameterizedTest(name = "{0} token: 201, then GET returns the bytes and type")
    @EnumSource(TokenProtocol.class)
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
    void anUnknownCharsetDoesNotBreakTheDownload() throws IOException {
        String path = newSlot() + "/file.txt";
        assertEquals(201, put(path, TokenProtocol.V2, bytes("text"), "text/plain; charset=no-such-charset").status());

        Response get = get(path);

        // Tomcat drops a charset it does not know; the media type and the bytes stay.
        assertEquals(200, get.status());
        assertTrue(get.header("Content-Type").startsWith("text/plain"), get.header("Content-Type"));
        assertArrayEquals(bytes("text"), get.body());
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
        List<Path> before = storedFiles();

        // Only the head is sent; the answer arrives although not one body byte was transferred.
        Response put = RawHttp.request("PUT", url(path) + "?v=" + tokens.sign(TokenProtocol.V, path, announced, null))
                .header("Content-Length", announced).send(port());

        assertPlainTextError(413, put);
        assertEquals(before, storedFiles());
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

        awaitNoTemporaryFiles();
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

        Response put = RawHttp.request("PUT", TestServer.CONTEXT + "/" + encodedPath + "?v="
                + tokens.sign(TokenProtocol.V, decoded, content.length, null)).body(content).send(port());

        assertTrue(put.status() >= 400 && put.status() < 500, put.status() + " " + put.text());
        assertEquals(before, allFiles(sandbox));
    }

    @Test
    void aSingleSegmentPathIsRefused() throws IOException {
        String path = "lonely-" + UUID.randomUUID() + ".txt";

        assertPlainTextError(400, put(path, TokenProtocol.V, bytes("alone"), "text/plain"));
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

    // ---- the servlet alone fails closed ---------------------------------------------------------

    @Test
    void withoutTheFilterEveryPutIsForbidden() throws Exception {
        Path otherStorage = sandbox.resolve("no-filter-storage");
        try (TestServer unguarded = container().start(Map.of(
                UploadConfig.PARAM_SECRET, SECRET,
                UploadConfig.PARAM_STORAGE_DIR, otherStorage.toString()), false)) {
            assertTrue(unguarded.started());
            String path = newSlot() + "/sneaky.txt";
            byte[] content = bytes("sneaky");

            Response put = RawHttp.request("PUT", url(path) + "?v=" + tokens.sign(TokenProtocol.V, path, content.length, null))
                    .body(content).send(unguarded.port());

            assertPlainTextError(403, put);
            try (Stream<Path> files = Files.walk(otherStorage.resolve("files"))) {
                assertEquals(0, files.filter(Files::isRegularFile).count());
            }
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

    Path storage() {
        return storage;
    }

    Response put(String path, TokenProtocol protocol, byte[] content, String contentType) throws IOException {
        String token = tokens.sign(protocol, path, content.length, contentType);
        return RawHttp.request("PUT", url(path) + "?" + protocol.parameter() + "=" + token)
                .header("Content-Type", contentType).body(content).send(port());
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
    }

    private List<Path> storedFiles() throws IOException {
        return allFiles(storage);
    }

    private static List<Path> allFiles(Path root) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            return files.sorted().toList();
        }
    }

    /** Waits, boundedly, for the server to finish with an aborted upload and clean up after it. */
    private void awaitNoTemporaryFiles() throws Exception {
        for (int attempt = 0; attempt < 200; attempt++) {
            try (Stream<Path> temp = Files.list(storage.resolve("tmp"))) {
                if (temp.findAny().isEmpty()) {
                    return;
                }
            }
            Thread.sleep(50);
        }
        fail("the aborted upload's temporary file was not removed");
    }

}
