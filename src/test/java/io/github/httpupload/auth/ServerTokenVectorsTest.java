package io.github.httpupload.auth;

import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.SignedJWT;
import io.github.httpupload.testsupport.ProtocolVectors;
import io.github.httpupload.testsupport.ProtocolVectors.Row;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The Bearer JWT vector (docs/protocol.md#bearer-tokens) and Metronome's delete vector
 * (docs/protocol.md#delete-tokens), read from the page itself, and secret rotation: a token by
 * either configured secret verifies, one by any other does not.
 */
class ServerTokenVectorsTest {

    private static final Map<String, String> BEARER = fields(ProtocolVectors.table("Bearer vector", 3));
    private static final String JWT = BEARER.get("token");
    private static final SecretKeySpec SECRET = key(BEARER.get("secret"));
    private static final List<Row> CLAIMS = ProtocolVectors.table("Bearer vector claims", 8);

    @Test
    void theVectorsHeaderAndClaimsAreThoseOnThePage() throws Exception {
        SignedJWT jwt = SignedJWT.parse(JWT);

        assertEquals(BEARER.get("header"), new String(Base64URL.from(JWT.substring(0, JWT.indexOf('.'))).decode(), StandardCharsets.UTF_8));
        Map<String, Object> payload = jwt.getPayload().toJSONObject();
        assertEquals(CLAIMS.stream().map(row -> row.get("claim")).collect(Collectors.toSet()), payload.keySet(),
                "every claim of the vector is on the page, and no other");
        for (Row row : CLAIMS) {
            assertEquals(row.get("value"), String.valueOf(payload.get(row.get("claim"))), row.toString());
        }
    }

    static Stream<Named<Row>> bearerChecks() {
        return ProtocolVectors.table("Bearer checks", 8).stream()
                .map(row -> Named.of(row.get("case") + " (docs/protocol.md:" + row.line() + ")", row));
    }

    /** Prosody's order: signature, expiry, slot, size; the first failure decides. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("bearerChecks")
    void theJwtVectorIsCheckedInProsodysOrder(Row row) throws Exception {
        BearerTokenVerifier verifier = bearer(key(row.get("key")));
        String authorization = row.get("scheme") + " " + JWT;
        SlotPath path = SlotPath.parse(row.get("slot path"));
        long length = row.number("Content-Length");
        Instant at = Instant.ofEpochSecond(row.number("at"));
        String refusal = row.optional("refusal");

        if (refusal == null) {
            VerifiedUpload upload = verifier.verify(authorization, path, length, at);
            Map<String, String> claims = fields(CLAIMS, "claim", "value");
            assertEquals(path, upload.path());
            assertEquals(claims.get("slot") + "/" + claims.get("filename"), upload.path().value());
            assertEquals(Long.parseLong(claims.get("filesize")), upload.contentLength());
            assertEquals(claims.get("filetype"), upload.contentType());
            assertEquals(TokenProtocol.BEARER, upload.protocol());
            assertEquals(claims.get("sub"), upload.uploader());
            assertEquals(Instant.ofEpochSecond(Long.parseLong(claims.get("expires"))), upload.expiresAt());
        } else {
            BearerTokenVerifier.RefusedException e = assertThrows(BearerTokenVerifier.RefusedException.class,
                    () -> verifier.verify(authorization, path, length, at), row.toString());
            assertEquals(BearerTokenVerifier.Refusal.valueOf(refusal), e.refusal(), e.getMessage());
        }
    }

    @Test
    void theDeleteVectorMatches() throws Exception {
        Row row = ProtocolVectors.table("Delete vector", 1).get(0);
        byte[] message = HmacTokenVerifier.deleteMessage(SlotPath.parse(row.get("URL path")), row.get("delete secret"));
        HmacTokenVerifier verifier = new HmacTokenVerifier(key(row.get("secret")));

        assertArrayEquals(row.get("signed message").getBytes(StandardCharsets.UTF_8), message);
        assertEquals(row.get("token"), verifier.sign(message));
        assertTrue(verifier.verify(message, row.get("token")));
        // Keyed with the shared secret, not the delete secret.
        assertFalse(new HmacTokenVerifier(key(row.get("delete secret"))).verify(message, row.get("token")));
    }

    @Test
    void duringARotationEitherSecretVerifiesAndTheCurrentOneSigns() throws Exception {
        byte[] message = "foo/bar.jpg 1048576".getBytes(StandardCharsets.UTF_8);
        String byOld = new HmacTokenVerifier(SECRET).sign(message);
        String byNew = new HmacTokenVerifier(key("new secret")).sign(message);
        String byOther = new HmacTokenVerifier(key("other")).sign(message);
        HmacTokenVerifier rotating = new HmacTokenVerifier(List.of(key("new secret"), SECRET));

        assertTrue(rotating.verify(message, byOld));
        assertTrue(rotating.verify(message, byNew));
        assertFalse(rotating.verify(message, byOther));
        assertEquals(byNew, rotating.sign(message));
        // The JWT vector was signed with the old secret.
        Row valid = ProtocolVectors.table("Bearer checks").get(0);
        assertNull(valid.optional("refusal"), "the first Bearer check is the accepted one");
        assertEquals(valid.number("Content-Length"), new BearerTokenVerifier(rotating)
                .verify("Bearer " + JWT, SlotPath.parse(valid.get("slot path")), valid.number("Content-Length"),
                        Instant.ofEpochSecond(valid.number("at"))).contentLength());
    }

    private static Map<String, String> fields(List<Row> rows) {
        return fields(rows, "field", "value");
    }

    private static Map<String, String> fields(List<Row> rows, String keyColumn, String valueColumn) {
        Map<String, String> fields = new HashMap<>();
        for (Row row : rows) {
            if (fields.put(row.get(keyColumn), row.get(valueColumn)) != null) {
                throw new AssertionError("twice: " + row);
            }
        }
        return fields;
    }

    private static BearerTokenVerifier bearer(SecretKeySpec key) {
        return new BearerTokenVerifier(new HmacTokenVerifier(key));
    }

    private static SecretKeySpec key(String secret) {
        return new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }
}
