package io.github.httpupload.web;

import io.github.httpupload.auth.TokenProtocol;
import io.github.httpupload.config.Parameters;
import io.github.httpupload.testsupport.LogCapture;
import io.github.httpupload.testsupport.RawHttp;
import io.github.httpupload.testsupport.RawHttp.Response;
import io.github.httpupload.testsupport.StorageBackend;
import io.github.httpupload.testsupport.TempDirs;
import io.github.httpupload.testsupport.TestServer;
import io.github.httpupload.testsupport.Tokens;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static io.github.httpupload.web.UploadContract.bytes;
import static io.github.httpupload.web.UploadContract.newSlot;
import static io.github.httpupload.web.UploadContract.url;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * What each XMPP server needs beyond the query tokens, over real sockets on every container:
 * Prosody's Bearer JWT ({@code mod_http_file_share} external mode, docs/protocol.md#bearer-tokens),
 * Metronome's DELETE (docs/protocol.md#delete-tokens), and a second, older secret accepted during a
 * secret rotation. Each subclass says the container and the storage backend.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class XmppServersContract {

    static final String NEW_SECRET = "the new secret";
    static final String OLD_SECRET = "the old secret";
    static final String DELETE_SECRET = "metronome delete secret";

    private final Tokens current = new Tokens(NEW_SECRET);
    private final Tokens older = new Tokens(OLD_SECRET);
    private final Tokens stranger = new Tokens("some other server's secret");
    private Path sandbox;
    private StorageBackend.Store store;
    private TestServer server;

    abstract TestServer.Factory container();

    abstract StorageBackend backend();

    @BeforeAll
    void start() throws Exception {
        sandbox = Files.createTempDirectory("xmpp-servers");
        store = newStore("storage");
        server = container().start(store.parametersWith(Map.of(
                // Secret rotation: the current secret first, the previous one on a second line.
                Parameters.SECRET, NEW_SECRET + "\n" + OLD_SECRET,
                Parameters.DELETE_SECRET, DELETE_SECRET)), true);
        assertTrue(server.started(), server.startFailure());
    }

    @AfterAll
    void stop() throws Exception {
        server.close();
        TempDirs.delete(sandbox);
    }

    // ---- Bearer JWT (Prosody mod_http_file_share) ----------------------------------------------

    @Test
    void aBearerUploadIsStoredWithTheTokensFiletypeAndServed() throws IOException {
        String slot = "RVbKAgWPcrUYAodj" + newSlot().substring(0, 8);
        String filename = "résumé 日本.png";
        byte[] content = bytes("not really a png, but the token says it is");
        String jwt = current.bearer(slot, filename, content.length, "image/png", soon(), Instant.now().plusSeconds(86400));

        // The client's own Content-Type does not matter: the token's filetype is what was authorized.
        Response put = RawHttp.request("PUT", url(slot + "/" + filename)).header("Authorization", "Bearer " + jwt)
                .header("Content-Type", "text/html").body(content).send(server.port());
        Response get = RawHttp.request("GET", url(slot + "/" + filename)).send(server.port());

        assertEquals(201, put.status(), put.text());
        assertEquals(200, get.status());
        assertArrayEquals(content, get.body());
        assertEquals("image/png", get.header("Content-Type"));
        assertTrue(get.header("Content-Disposition").contains("filename*=UTF-8''r%C3%A9sum%C3%A9%20%E6%97%A5%E6%9C%AC.png"),
                get.header("Content-Disposition"));
        // The uploader (sub) is kept in the file's metadata, beside the bytes.
        assertTrue(store.metadataText(slot + "/" + filename).contains("user@example.com"));
    }

    @Test
    void aBearerTokenWithoutFiletypeStoresOctetStream() throws IOException {
        String slot = newSlot();
        byte[] content = bytes("no type");
        Response put = bearerPut(slot, "notes", content, current.bearer(slot, "notes", content.length, null, soon(), null));
        Response get = RawHttp.request("GET", url(slot + "/notes")).send(server.port());

        assertEquals(201, put.status(), put.text());
        assertEquals("application/octet-stream", get.header("Content-Type"));
    }

    @Test
    void aBearerTokenSignedWithTheOlderSecretIsAccepted() throws IOException {
        String slot = newSlot();
        byte[] content = bytes("signed by a Prosody not yet switched to the new secret");
        Response put = bearerPut(slot, "a.txt", content, older.bearer(slot, "a.txt", content.length, "text/plain", soon(), null));
        assertEquals(201, put.status(), put.text());
    }

    static Stream<Arguments> invalidAuthorizations() {
        Tokens tokens = new Tokens(NEW_SECRET);
        String slot = "slot-for-invalid";
        String payload = "{\"filename\":\"f.txt\",\"slot\":\"" + slot + "\",\"filesize\":5,\"filetype\":\"text/plain\","
                + "\"sub\":\"u@example.com\",\"iat\":1,\"exp\":" + soon().getEpochSecond() + "}";
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        String unsigned = base64.encodeToString("{\"alg\":\"none\",\"typ\":\"JWT\"}".getBytes(StandardCharsets.UTF_8)) + "."
                + base64.encodeToString(payload.getBytes(StandardCharsets.UTF_8));
        String valid = tokens.jwt("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payload);
        return Stream.of(
                arguments("Bearer", "no token"),
                arguments("Bearer ", "empty token"),
                arguments("Basic dXNlcjpwYXNz", "another scheme"),
                arguments("Bearer not-a-jwt", "not a JWT"),
                arguments("Bearer a.b.c", "three parts of nothing"),
                arguments("Bearer " + unsigned + ".", "alg none, no signature"),
                arguments("Bearer " + unsigned + "." + valid.substring(valid.lastIndexOf('.') + 1), "alg none with a valid HS256 signature"),
                arguments("Bearer " + tokens.jwt("{\"alg\":\"HS512\",\"typ\":\"JWT\"}", payload), "HS512 header"),
                arguments("Bearer " + tokens.jwt("{\"alg\":\"hs256\",\"typ\":\"JWT\"}", payload), "lower-case alg"),
                arguments("Bearer " + tokens.jwt("{\"alg\":\"HS256\",\"crit\":[\"b64\"],\"b64\":false}", payload), "critical header"),
                arguments("Bearer " + new Tokens("wrong").jwt("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payload), "signed with another secret"),
                arguments("Bearer " + valid.substring(0, valid.length() - 2) + "AA", "signature altered"),
                arguments("Bearer " + sparebitsAltered(valid), "signature spelled differently (the last character's spare bits)"),
                arguments("Bearer " + tokens.jwt("{\"alg\":\"HS256\"}", payload.replace(",\"exp\":", ",\"nexp\":")), "no exp"),
                arguments("Bearer " + tokens.jwt("{\"alg\":\"HS256\"}", payload.replace("\"filesize\":5", "\"filesize\":\"5\"")), "filesize a string"),
                arguments("Bearer " + tokens.jwt("{\"alg\":\"HS256\"}", payload.replace("\"filesize\":5", "\"filesize\":5.5")), "filesize a fraction"),
                arguments("Bearer " + tokens.jwt("{\"alg\":\"HS256\"}", "[1,2,3]"), "payload not an object"),
                arguments("Bearer " + "x".repeat(5000), "far too long"),
                arguments("Bearer bnVsbA.e30.AAAA", "a header of JSON null (nimbus throws a NullPointerException)"),
                // Hostile JSON inside a validly signed token: parsers have failed on these elsewhere.
                arguments("Bearer " + tokens.jwt("{\"alg\":\"HS256\"}", "[".repeat(1400) + "]".repeat(1400)), "deeply nested payload"),
                arguments("Bearer " + tokens.jwt("{\"alg\":\"HS256\"}", payload.replace("\"filesize\":5", "\"filesize\":1e400")), "filesize 1e400"),
                arguments("Bearer " + tokens.jwt("{\"alg\":\"HS256\"}", payload.replace("\"filesize\":5", "\"filesize\":18446744073709551621")), "filesize past 2^64"),
                arguments("Bearer " + tokens.jwt("{\"alg\":\"HS256\"}", payload.replace("\"exp\":", "\"exp\":\"never\",\"x\":")), "exp a string"),
                arguments("Bearer " + tokens.jwt("{\"alg\":\"HS256\"}", payload.replace("}", ",\"filesize\":6}")), "filesize given twice"),
                arguments("Bearer " + tokens.jwt("{\"alg\":\"HS256\"}", payload.substring(0, payload.length() - 1)), "payload cut short"));
    }

    @ParameterizedTest(name = "{1}: 401 with WWW-Authenticate: Bearer, nothing stored")
    @MethodSource("invalidAuthorizations")
    void anInvalidBearerTokenIs401(String authorization, String description) throws IOException {
        Response put = RawHttp.request("PUT", url("slot-for-invalid/f.txt")).header("Authorization", authorization)
                .body(bytes("hello")).send(server.port());

        UploadContract.assertPlainTextError(401, put);
        assertEquals("Bearer", put.header("WWW-Authenticate"));
        assertEquals(404, RawHttp.request("GET", url("slot-for-invalid/f.txt")).send(server.port()).status());
    }

    @Test
    void anExpiredBearerTokenIs410() throws IOException {
        String slot = newSlot();
        byte[] content = bytes("late");
        Response put = bearerPut(slot, "late.txt", content,
                current.bearer(slot, "late.txt", content.length, "text/plain", Instant.now().minusSeconds(1), null));
        UploadContract.assertPlainTextError(410, put);
    }

    @Test
    void aBearerTokenIsRefusedDuringItsExpSecond() throws IOException {
        // RFC 7519 §4.1.4: not accepted on or after exp, a whole second. Over real time this holds
        // the end-to-end answer; the exact instant is BearerTokenExpiryTest's.
        String slot = newSlot();
        byte[] content = bytes("on the dot");
        Instant thisSecond = Instant.now().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        Response put = bearerPut(slot, "dot.txt", content,
                current.bearer(slot, "dot.txt", content.length, "text/plain", thisSecond, null));
        UploadContract.assertPlainTextError(410, put);
    }

    @Test
    void aBearerTokenForAnotherSlotOrNameIs400() throws IOException {
        String slot = newSlot();
        byte[] content = bytes("wrong place");
        String jwt = current.bearer(slot, "mine.txt", content.length, "text/plain", soon(), null);

        UploadContract.assertPlainTextError(400, bearerPut(newSlot(), "mine.txt", content, jwt));
        // The token covers one file: not a second name under the same slot, not a deeper path.
        UploadContract.assertPlainTextError(400, bearerPut(slot, "other.txt", content, jwt));
        UploadContract.assertPlainTextError(400, bearerPut(slot + "/mine.txt", "more", content, jwt));
        assertEquals(201, bearerPut(slot, "mine.txt", content, jwt).status());
    }

    @Test
    void aBodyOfAnotherSizeThanTheTokensIs413() throws IOException {
        String slot = newSlot();
        String jwt = current.bearer(slot, "f.bin", 10, null, soon(), null);
        UploadContract.assertPlainTextError(413, bearerPut(slot, "f.bin", new byte[11], jwt));
        UploadContract.assertPlainTextError(413, bearerPut(slot, "f.bin", new byte[9], jwt));
    }

    @Test
    void aReplayedBearerUploadIs409AndTheFirstFileStays() throws IOException {
        String slot = newSlot();
        byte[] first = bytes("first!");
        String jwt = current.bearer(slot, "f.txt", first.length, "text/plain", soon(), null);
        assertEquals(201, bearerPut(slot, "f.txt", first, jwt).status());

        UploadContract.assertPlainTextError(409, bearerPut(slot, "f.txt", bytes("second"), jwt));
        assertArrayEquals(first, RawHttp.request("GET", url(slot + "/f.txt")).send(server.port()).body());
    }

    @Test
    void withBothFamiliesAPutWithoutAnyTokenIs403AndNamesBearer() throws IOException {
        Response put = RawHttp.request("PUT", url(newSlot() + "/f.txt")).body(bytes("hello")).send(server.port());
        UploadContract.assertPlainTextError(403, put);
        assertEquals("Bearer", put.header("WWW-Authenticate"));
    }

    @Test
    void aQueryTokenWinsOverAnAuthorizationHeader() throws IOException {
        String path = newSlot() + "/both.txt";
        byte[] content = bytes("both");
        Response put = RawHttp.request("PUT", url(path) + "?v=" + current.sign(TokenProtocol.V, path, content.length, null))
                .header("Authorization", "Bearer nonsense").body(content).send(server.port());
        assertEquals(201, put.status(), put.text());
    }

    @Test
    void whenBearerIsTheOnlyProtocolAMissingTokenIs401AndQueryTokensAreRefused() throws Exception {
        try (TestServer bearerOnly = container().start(newStore("bearer-only").parametersWith(Map.of(
                Parameters.SECRET, NEW_SECRET,
                Parameters.PROTOCOLS, "bearer")), true)) {
            String path = newSlot() + "/f.txt";
            byte[] content = bytes("hello");
            Response none = RawHttp.request("PUT", url(path)).body(content).send(bearerOnly.port());
            Response query = RawHttp.request("PUT", url(path) + "?v2=" + current.sign(TokenProtocol.V2, path, content.length, null))
                    .body(content).send(bearerOnly.port());

            UploadContract.assertPlainTextError(401, none);
            assertEquals("Bearer", none.header("WWW-Authenticate"));
            UploadContract.assertPlainTextError(401, query);
        }
    }

    @Test
    void whenBearerIsNotEnabledABearerTokenIsRefused() throws Exception {
        try (TestServer hmacOnly = container().start(newStore("hmac-only").parametersWith(Map.of(
                Parameters.SECRET, NEW_SECRET,
                Parameters.PROTOCOLS, "v,v2")), true)) {
            String slot = newSlot();
            byte[] content = bytes("hello");
            Response put = RawHttp.request("PUT", url(slot + "/f.txt"))
                    .header("Authorization", "Bearer " + current.bearer(slot, "f.txt", content.length, null, soon(), null))
                    .body(content).send(hmacOnly.port());

            UploadContract.assertPlainTextError(403, put);
            assertNull(put.header("WWW-Authenticate"));
        }
    }

    // ---- Secret rotation (query tokens) ----------------------------------------------------------

    @Test
    void queryTokensSignedWithEitherSecretAreAcceptedAndNoOther() throws IOException {
        for (TokenProtocol protocol : TokenProtocol.QUERY_STRING) {
            String path = newSlot() + "/rotation.txt";
            byte[] content = bytes("rotation " + protocol);
            assertEquals(201, queryPut(path, protocol, older.sign(protocol, path, content.length, "text/plain"), content).status(), protocol.toString());
            String otherPath = newSlot() + "/rotation.txt";
            assertEquals(201, queryPut(otherPath, protocol, current.sign(protocol, otherPath, content.length, "text/plain"), content).status());
            String strangerPath = newSlot() + "/rotation.txt";
            UploadContract.assertPlainTextError(403,
                    queryPut(strangerPath, protocol, stranger.sign(protocol, strangerPath, content.length, "text/plain"), content));
        }
    }

    // ---- Metronome DELETE ------------------------------------------------------------------------

    @Test
    void aSignedDeleteRemovesTheFileAndItsUrlsThenAnswer410() throws IOException {
        String path = newSlot() + "/to delete.txt";
        byte[] content = bytes("short-lived");
        String putToken = current.sign(TokenProtocol.V2, path, content.length, "text/plain");
        assertEquals(201, queryPut(path, TokenProtocol.V2, putToken, content).status());

        Response delete = delete(path, current.deleteToken(path, DELETE_SECRET));

        assertEquals(204, delete.status(), delete.text());
        assertFalse(store.holdsFile(path));
        UploadContract.assertPlainTextError(410, RawHttp.request("GET", url(path)).send(server.port()));
        assertEquals(410, RawHttp.request("HEAD", url(path)).send(server.port()).status());
        // The PUT URL never expires: replaying it must not bring a file back.
        UploadContract.assertPlainTextError(410, queryPut(path, TokenProtocol.V2, putToken, content));
        UploadContract.assertPlainTextError(404, delete(path, current.deleteToken(path, DELETE_SECRET)));
    }

    @Test
    void aDeleteSignedWithTheOlderSecretIsAccepted() throws IOException {
        String path = newSlot() + "/old.txt";
        assertEquals(201, queryPut(path, TokenProtocol.V, current.sign(TokenProtocol.V, path, 1, null), new byte[1]).status());
        assertEquals(204, delete(path, older.deleteToken(path, DELETE_SECRET)).status());
    }

    @Test
    void aDeleteWithAMissingOrWrongTokenIs403AndKeepsTheFile() throws IOException {
        String path = newSlot() + "/keep.txt";
        byte[] content = bytes("keep me");
        assertEquals(201, queryPut(path, TokenProtocol.V, current.sign(TokenProtocol.V, path, content.length, null), content).status());

        UploadContract.assertPlainTextError(403, RawHttp.request("DELETE", url(path)).send(server.port()));
        UploadContract.assertPlainTextError(403, delete(path, current.deleteToken(path, "wrong delete secret")));
        UploadContract.assertPlainTextError(403, delete(path, current.deleteToken(newSlot() + "/keep.txt", DELETE_SECRET)));
        // An upload token is not a delete token.
        UploadContract.assertPlainTextError(403, delete(path, current.sign(TokenProtocol.TOKEN, path, content.length, null)));
        UploadContract.assertPlainTextError(403, delete(path, stranger.deleteToken(path, DELETE_SECRET)));

        assertArrayEquals(content, RawHttp.request("GET", url(path)).send(server.port()).body());
    }

    @Test
    void aDeleteOfNothingIs404() throws IOException {
        String path = newSlot() + "/never.txt";
        UploadContract.assertPlainTextError(404, delete(path, current.deleteToken(path, DELETE_SECRET)));
    }

    @Test
    void deleteIsAnnouncedInAllowOnlyWhenEnabled() throws Exception {
        Response options = RawHttp.request("OPTIONS", url("a/b")).send(server.port());
        assertTrue(options.header("Allow").contains("DELETE"), options.header("Allow"));

        try (TestServer withoutDelete = container().start(newStore("without-delete").parametersWith(Map.of(
                Parameters.SECRET, NEW_SECRET)), true)) {
            String path = newSlot() + "/f.txt";
            assertEquals(201, RawHttp.request("PUT", url(path) + "?v=" + current.sign(TokenProtocol.V, path, 1, null))
                    .body(new byte[1]).send(withoutDelete.port()).status());

            Response delete = RawHttp.request("DELETE", url(path) + "?token=" + current.deleteToken(path, DELETE_SECRET))
                    .send(withoutDelete.port());

            UploadContract.assertPlainTextError(405, delete);
            assertFalse(delete.header("Allow").contains("DELETE"), delete.header("Allow"));
            assertEquals(200, RawHttp.request("GET", url(path)).send(withoutDelete.port()).status());
        }
    }

    // ---- nothing secret in logs or answers -------------------------------------------------------

    @Test
    void neitherSecretNorABearerTokenAppearsInALogLineOrAnAnswer() throws Exception {
        List<String> secrets = new ArrayList<>(List.of(NEW_SECRET, OLD_SECRET, DELETE_SECRET));
        List<String> tokens = new ArrayList<>();
        List<Response> responses = new ArrayList<>();
        List<String> startFailures = new ArrayList<>();
        String log;
        Map<java.util.logging.Logger, java.util.logging.Level> previous = new HashMap<>();
        for (String name : List.of("org.apache", "org.eclipse", "io.github.httpupload")) {
            java.util.logging.Logger logger = java.util.logging.Logger.getLogger(name);
            previous.put(logger, logger.getLevel());
            logger.setLevel(java.util.logging.Level.ALL); // DEBUG lines of refused tokens included
        }
        try (LogCapture capture = new LogCapture(java.util.logging.Level.ALL)) {
            for (Map<String, String> bad : List.of(
                    Map.of(Parameters.SECRET, NEW_SECRET + "\n" + OLD_SECRET + "\nthird secret"),
                    Map.of(Parameters.SECRET, NEW_SECRET + "\n\n" + OLD_SECRET),
                    Map.of(Parameters.SECRET, NEW_SECRET, Parameters.DELETE_SECRET, DELETE_SECRET,
                            Parameters.EXPIRE_AFTER, "30 days"))) {
                try (TestServer refused = container().start(newStore("refused").parametersWith(bad), true)) {
                    assertFalse(refused.started());
                    startFailures.add(refused.startFailure());
                }
            }
            secrets.add("third secret");
            StorageBackend.Store loggedStore = newStore("logged");
            // The store's own secret (S3's secret access key) must not show either.
            java.util.Optional.ofNullable(loggedStore.parameters().get(Parameters.S3_SECRET_ACCESS_KEY)).ifPresent(secrets::add);
            try (TestServer logged = container().start(loggedStore.parametersWith(Map.of(
                    Parameters.SECRET, NEW_SECRET + "\n" + OLD_SECRET,
                    Parameters.DELETE_SECRET, DELETE_SECRET)), true)) {
                String slot = newSlot();
                byte[] content = bytes("logged");
                String good = older.bearer(slot, "f.txt", content.length, "text/plain", soon(), null);
                String forged = stranger.bearer(slot, "f.txt", content.length, "text/plain", soon(), null);
                String expired = current.bearer(slot, "f.txt", content.length, null, Instant.now().minusSeconds(5), null);
                tokens.addAll(List.of(good, forged, expired));
                for (String jwt : List.of(forged, expired, good, good)) {
                    responses.add(RawHttp.request("PUT", url(slot + "/f.txt")).header("Authorization", "Bearer " + jwt)
                            .body(content).send(logged.port()));
                }
                String path = slot + "/f.txt";
                responses.add(RawHttp.request("DELETE", url(path) + "?token=" + current.deleteToken(path, "wrong")).send(logged.port()));
                responses.add(RawHttp.request("DELETE", url(path) + "?token=" + older.deleteToken(path, DELETE_SECRET)).send(logged.port()));
                responses.add(RawHttp.request("GET", url(path)).send(logged.port()));
            }
            log = capture.text();
        } finally {
            previous.forEach(java.util.logging.Logger::setLevel);
        }

        assertEquals(List.of(401, 410, 201, 409, 403, 204, 410), responses.stream().map(Response::status).toList());
        assertTrue(log.contains("secret=(set, and 1 older secret accepted)"), "the start was not captured");
        assertTrue(log.contains("Rejected Bearer token"), "the DEBUG line of a refused token was not captured");
        // Tokens: not in our own log lines. (Tomcat's own FINE request dump shows every header, as
        // its access log shows every query token: that is the operator's choice of debug level.)
        String ourLog = log.lines().filter(line -> line.matches("[A-Z]+ io\\.github\\.httpupload.*")).reduce("", (a, b) -> a + b + "\n");
        assertTrue(ourLog.contains("Rejected Bearer token"), ourLog);
        for (String token : tokens) {
            assertFalse(ourLog.contains(token), "a token in our log");
            for (Response response : responses) {
                assertFalse((response.headers() + response.text()).contains(token), "a token in an answer");
            }
        }
        for (String secret : secrets) {
            assertFalse(log.contains(secret), () -> "in the log: " + log.lines().filter(line -> line.contains(secret))
                    .map(line -> line.length() > 300 ? line.substring(0, 300) + "…" : line).toList());
            for (String failure : startFailures) {
                assertFalse(failure.contains(secret), "in a start failure: " + secret);
            }
            for (Response response : responses) {
                assertFalse((response.headers() + response.text()).contains(secret), "in an answer: " + secret);
            }
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------

    /** A new, empty store of this suite's backend, for a server of the test's own. */
    private StorageBackend.Store newStore(String name) throws Exception {
        return backend().newStore(sandbox, name);
    }

    /** {@code jwt} with the spare low bits of its signature's last character flipped: same bytes, other text. */
    private static String sparebitsAltered(String jwt) {
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        char last = jwt.charAt(jwt.length() - 1);
        String altered = jwt.substring(0, jwt.length() - 1) + alphabet.charAt(alphabet.indexOf(last) ^ 1);
        // The decoded signature is the same: base64url decoding ignores those bits.
        assertArrayEquals(Base64.getUrlDecoder().decode(jwt.substring(jwt.lastIndexOf('.') + 1)),
                Base64.getUrlDecoder().decode(altered.substring(altered.lastIndexOf('.') + 1)));
        return altered;
    }

    /** Prosody's JWT lifetime is 300 s; these tests need far less. */
    static Instant soon() {
        return Instant.now().plusSeconds(300);
    }

    private Response bearerPut(String slot, String filename, byte[] content, String jwt) throws IOException {
        return RawHttp.request("PUT", url(slot + "/" + filename)).header("Authorization", "Bearer " + jwt)
                .body(content).send(server.port());
    }

    private Response queryPut(String path, TokenProtocol protocol, String token, byte[] content) throws IOException {
        return RawHttp.request("PUT", url(path) + "?" + protocol.parameter() + "=" + token)
                .header("Content-Type", "text/plain").body(content).send(server.port());
    }

    private Response delete(String path, String token) throws IOException {
        return RawHttp.request("DELETE", url(path) + "?token=" + token).send(server.port());
    }
}
