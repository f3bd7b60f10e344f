package io.github.httpupload.auth;

import io.github.httpupload.testsupport.Tokens;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** RFC 7519 §4.1.4: a JWT "MUST NOT be accepted for processing" on or after its {@code exp}. */
class BearerTokenExpiryTest {

    private static final String SECRET = "bearer expiry secret";
    private static final Instant EXP = Instant.parse("2026-12-03T10:00:00Z");

    private final BearerTokenVerifier verifier = new BearerTokenVerifier(
            new HmacTokenVerifier(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256")));
    private final String authorization = "Bearer "
            + new Tokens(SECRET).bearer("4a771ac1", "f.txt", 3, "text/plain", EXP, null);

    @ParameterizedTest(name = "{0} before exp: accepted")
    @CsvSource({"PT1H", "PT1S", "PT0.001S"})
    void acceptedBeforeExp(java.time.Duration before) throws Exception {
        VerifiedUpload upload = verifier.verify(authorization, SlotPath.parse("4a771ac1/f.txt"), 3, EXP.minus(before));
        assertEquals("4a771ac1/f.txt", upload.path().value());
    }

    @ParameterizedTest(name = "{0} after exp: expired")
    @CsvSource({"PT0S", "PT0.001S", "PT0.999S", "PT1S", "PT1H"})
    void expiredOnAndAfterExp(java.time.Duration after) {
        BearerTokenVerifier.RefusedException refused = assertThrows(BearerTokenVerifier.RefusedException.class,
                () -> verifier.verify(authorization, SlotPath.parse("4a771ac1/f.txt"), 3, EXP.plus(after)));
        assertEquals(BearerTokenVerifier.Refusal.EXPIRED, refused.refusal());
    }
}
