package io.github.httpupload.auth;

import io.github.httpupload.auth.TokenProtocol;
import org.junit.jupiter.api.Test;

import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The verified vectors of PROTOCOL.md §4 (Prosody's Bearer JWT) and §5 (Metronome's delete token),
 * and secret rotation: a token by either configured secret verifies, one by any other does not.
 */
class ServerTokenVectorsTest {

    private static final SecretKeySpec SECRET = key("secret string");

    /** PROTOCOL.md §4, key {@code secret string}. */
    private static final String JWT = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJmaWxlbmFtZSI6InBpY3R1cmUucG5nIiwic2xvdCI6IlJWYktBZ1dQY3JVWUFvZGoiLCJmaWxlc2l6ZSI6NzE2OCwiZmlsZXR5cGUiOiJpbWFnZS9wbmciLCJzdWIiOiJ1c2VyQGV4YW1wbGUuY29tIiwiZXhwaXJlcyI6MTYxMjcxNzk2MCwiaWF0IjoxNjEyMTEzMTYwLCJleHAiOjE2MTIxMTM0NjB9.w1788a-Bwlrs8LlMGPGyyHqaKTDN2XkZ3dQYxwYqFrc";
    private static final Instant ISSUED = Instant.ofEpochSecond(1612113160);

    @Test
    void theProtocolsJwtVectorVerifiesWithAllItsClaims() throws Exception {
        SlotPath path = SlotPath.parse("RVbKAgWPcrUYAodj/picture.png");

        VerifiedUpload upload = bearer(SECRET).verify("Bearer " + JWT, path, 7168, ISSUED.plusSeconds(299));

        assertEquals(path, upload.path());
        assertEquals(7168, upload.contentLength());
        assertEquals("image/png", upload.contentType());
        assertEquals(TokenProtocol.BEARER, upload.protocol());
        assertEquals("user@example.com", upload.uploader());
        assertEquals(Instant.ofEpochSecond(1612717960), upload.expiresAt());
    }

    @Test
    void theJwtVectorIsCheckedInProsodysOrder() throws Exception {
        SlotPath path = SlotPath.parse("RVbKAgWPcrUYAodj/picture.png");
        BearerTokenVerifier verifier = bearer(SECRET);

        assertRefused(BearerTokenVerifier.Refusal.EXPIRED, () -> verifier.verify("Bearer " + JWT, path, 7168, ISSUED.plusSeconds(301)));
        assertRefused(BearerTokenVerifier.Refusal.WRONG_SLOT,
                () -> verifier.verify("Bearer " + JWT, SlotPath.parse("OtherSlot/picture.png"), 7168, ISSUED));
        assertRefused(BearerTokenVerifier.Refusal.WRONG_SLOT,
                () -> verifier.verify("Bearer " + JWT, SlotPath.parse("RVbKAgWPcrUYAodj/other.png"), 7168, ISSUED));
        assertRefused(BearerTokenVerifier.Refusal.WRONG_SIZE, () -> verifier.verify("Bearer " + JWT, path, 7169, ISSUED));
        // A wrong signature outranks everything else, even an expired token.
        assertRefused(BearerTokenVerifier.Refusal.INVALID,
                () -> bearer(key("secret strinG")).verify("Bearer " + JWT, path, 7168, ISSUED.plusSeconds(301)));
    }

    @Test
    void theSchemeNameIsCaseInsensitiveAsRfc7235Says() throws Exception {
        SlotPath path = SlotPath.parse("RVbKAgWPcrUYAodj/picture.png");
        assertEquals(7168, bearer(SECRET).verify("bearer " + JWT, path, 7168, ISSUED).contentLength());
    }

    @Test
    void theProtocolsDeleteVectorMatches() throws Exception {
        byte[] message = HmacTokenVerifier.deleteMessage(SlotPath.parse("foo/bar.jpg"), "delete secret");

        assertArrayEquals("foo/bar.jpg\0delete secret".getBytes(StandardCharsets.UTF_8), message);
        assertEquals("3a69fb226a3d93d2f7bc2c777aafcf407f0e44eb6860686532019235bf7a2293", new HmacTokenVerifier(SECRET).sign(message));
        assertTrue(new HmacTokenVerifier(SECRET).verify(message, "3a69fb226a3d93d2f7bc2c777aafcf407f0e44eb6860686532019235bf7a2293"));
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
        SlotPath path = SlotPath.parse("RVbKAgWPcrUYAodj/picture.png");
        assertEquals(7168, new BearerTokenVerifier(rotating).verify("Bearer " + JWT, path, 7168, ISSUED).contentLength());
    }

    private static BearerTokenVerifier bearer(SecretKeySpec key) {
        return new BearerTokenVerifier(new HmacTokenVerifier(key));
    }

    private static SecretKeySpec key(String secret) {
        return new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    private interface Verification {
        void run() throws Exception;
    }

    private static void assertRefused(BearerTokenVerifier.Refusal expected, Verification verification) {
        BearerTokenVerifier.RefusedException e = assertThrows(BearerTokenVerifier.RefusedException.class, verification::run);
        assertEquals(expected, e.refusal(), e.getMessage());
    }
}
