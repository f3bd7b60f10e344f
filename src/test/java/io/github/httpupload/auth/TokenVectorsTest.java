package io.github.httpupload.auth;

import io.github.httpupload.testsupport.ProtocolVectors;
import io.github.httpupload.testsupport.ProtocolVectors.Row;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The query-token vectors of docs/protocol.md (section "Query-string tokens"), read from the page
 * itself so that the page cannot drift from the code. Each table's row count is fixed here: a row
 * deleted from the page fails the test.
 */
class TokenVectorsTest {

    /** The key of the tables that name none (docs/protocol.md#spellings-that-must-fail, #malformed-tokens). */
    private static final String SECRET = "secret string";
    private static final long WRONG_ON_PURPOSE_LENGTH = 1048576L;

    static Stream<Named<Row>> vectors() {
        return named(ProtocolVectors.table("Query-token vectors", 12), row -> "#" + row.get("#") + " " + row.get("protocol"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("vectors")
    void vectorIsSignedAndVerified(Row row) throws Exception {
        TokenProtocol protocol = protocol(row);
        SlotPath path = SlotPath.parse(row.get("URL path"));
        long length = row.number("Content-Length");
        byte[] message = HmacTokenVerifier.signedMessage(protocol, path, length, signedType(row));

        assertArrayEquals(row.get("signed message").getBytes(StandardCharsets.UTF_8), message, "signed message, " + row);
        HmacTokenVerifier verifier = verifier(row.get("secret"));
        assertEquals(row.get("token"), verifier.sign(message), row.toString());
        assertTrue(verifier.verify(message, row.get("token")), row.toString());
        if (!protocol.signsContentType()) {
            // v1 signs no type: the same message with the header absent.
            assertArrayEquals(message, HmacTokenVerifier.signedMessage(protocol, path, length, VerifiedUpload.DEFAULT_CONTENT_TYPE));
        }
    }

    static Stream<Named<Row>> wrongOnPurpose() {
        return named(ProtocolVectors.table("Spellings that must fail", 5), row -> row.get("mistake"));
    }

    @ParameterizedTest(name = "{0} is refused")
    @MethodSource("wrongOnPurpose")
    void wrongOnPurposeIsRefused(Row row) throws Exception {
        String wrongToken = row.get("token");
        // The page's explanation holds: the token is what the mistake produces...
        assertEquals(wrongToken, verifier(row.get("HMAC key")).sign(row.get("message signed by mistake").getBytes(StandardCharsets.UTF_8)),
                row.toString());
        // ...and the right message under the right key refuses it.
        byte[] message = HmacTokenVerifier.signedMessage(TokenProtocol.V, SlotPath.parse(row.get("URL path")),
                WRONG_ON_PURPOSE_LENGTH, VerifiedUpload.DEFAULT_CONTENT_TYPE);
        assertFalse(verifier(SECRET).verify(message, wrongToken), row.toString());
    }

    static Stream<Named<Row>> malformed() {
        return named(ProtocolVectors.table("Malformed tokens", 6), row -> row.get("why it is refused"));
    }

    @ParameterizedTest(name = "malformed token: {0}")
    @MethodSource("malformed")
    void malformedTokensAreRefused(Row row) throws Exception {
        Row vector1 = ProtocolVectors.table("Query-token vectors").get(0);
        byte[] message = HmacTokenVerifier.signedMessage(protocol(vector1), SlotPath.parse(vector1.get("URL path")),
                vector1.number("Content-Length"), signedType(vector1));
        HmacTokenVerifier verifier = verifier(SECRET);
        assertTrue(verifier.verify(message, vector1.get("token")), "vector 1 itself must verify");

        assertFalse(verifier.verify(message, row.get("token")), row.toString());
    }

    @Test
    void missingTokenIsRefused() throws Exception {
        byte[] message = HmacTokenVerifier.signedMessage(TokenProtocol.V, SlotPath.parse("foo/bar.jpg"), 1048576L, null);

        assertFalse(verifier(SECRET).verify(message, null));
    }

    static Stream<Named<Row>> binding() {
        return named(ProtocolVectors.table("What a token binds", 3), row -> row.get("change"));
    }

    @ParameterizedTest(name = "vector 2's token, {0}: refused")
    @MethodSource("binding")
    void lengthTypeAndProtocolAreBound(Row row) throws Exception {
        byte[] message = HmacTokenVerifier.signedMessage(protocol(row), SlotPath.parse(row.get("URL path")),
                row.number("Content-Length"), signedType(row));

        assertFalse(verifier(SECRET).verify(message, row.get("token")), row.toString());
    }

    /** What HmacAuthFilter signs for the row's Content-Type header: the header, or the default when absent. */
    private static String signedType(Row row) {
        String sent = row.optional("Content-Type");
        return sent != null ? sent : VerifiedUpload.DEFAULT_CONTENT_TYPE;
    }

    private static TokenProtocol protocol(Row row) {
        TokenProtocol protocol = TokenProtocol.byName(row.get("protocol"));
        assertNotNull(protocol, "unknown protocol, " + row);
        return protocol;
    }

    private static Stream<Named<Row>> named(List<Row> rows, Function<Row, String> name) {
        return rows.stream().map(row -> Named.of(name.apply(row) + " (docs/protocol.md:" + row.line() + ")", row));
    }

    private static HmacTokenVerifier verifier(String secret) {
        return new HmacTokenVerifier(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    }
}
