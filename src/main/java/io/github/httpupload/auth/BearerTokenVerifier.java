package io.github.httpupload.auth;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.github.httpupload.auth.TokenProtocol;

import java.text.ParseException;
import java.time.Instant;
import java.util.Date;

/**
 * Verifies the Bearer JWT of Prosody's {@code mod_http_file_share} in external mode
 * (docs/protocol.md#bearer-tokens): HS256 only, signed with the shared secret, for exactly this
 * slot, file name and size. nimbus-jose-jwt parses header and claims; the signature is checked
 * with our own keyed {@link HmacTokenVerifier}, because nimbus refuses HMAC keys shorter than
 * 256 bits and XMPP servers' secrets often are.
 */
public final class BearerTokenVerifier {

    /** Why a token was refused; each maps to the status Prosody's own server answers. */
    public enum Refusal {
        /** missing, malformed, not HS256, a bad signature, or no {@code exp}: 401 */
        INVALID,
        /** the token's {@code exp} has passed: 410 */
        EXPIRED,
        /** the token is for another slot or file name, or names none: 400 */
        WRONG_SLOT,
        /** the body's length is not the token's {@code filesize}, or it has none: 413 */
        WRONG_SIZE
    }

    /** A refused token; the message says why, for the client and the log (never the token itself). */
    public static final class RefusedException extends Exception {

        private static final long serialVersionUID = 1L;
        private final Refusal refusal;

        RefusedException(Refusal refusal, String message) {
            super(message, null, false, false);
            this.refusal = refusal;
        }

        public Refusal refusal() {
            return refusal;
        }
    }

    private static final String PREFIX = "Bearer ";
    /** Prosody's tokens are some 400 bytes; anything far longer is not one of them. */
    private static final int MAX_TOKEN_LENGTH = 4096;

    private final HmacTokenVerifier signatures;

    public BearerTokenVerifier(HmacTokenVerifier signatures) {
        this.signatures = signatures;
    }

    /**
     * The upload that {@code authorization} (the whole header value) proves for a PUT of
     * {@code contentLength} bytes to {@code path}, checked in Prosody's order: signature, expiry,
     * slot, size.
     */
    public VerifiedUpload verify(String authorization, SlotPath path, long contentLength, Instant now)
            throws RefusedException {
        JWTClaimsSet claims = verifiedClaims(authorization);
        Date exp = claims.getExpirationTime();
        if (exp == null) {
            throw new RefusedException(Refusal.INVALID, "Invalid token: no exp claim");
        }
        if (!now.isBefore(exp.toInstant())) { // RFC 7519 §4.1.4: not accepted on or after exp
            throw new RefusedException(Refusal.EXPIRED, "Upload token expired");
        }
        String slot = stringClaim(claims, "slot");
        String filename = stringClaim(claims, "filename");
        // One token, one file: the path must be exactly <slot>/<filename>, not another name under the slot.
        if (slot == null || filename == null || !path.value().equals(slot + "/" + filename)) {
            throw new RefusedException(Refusal.WRONG_SLOT, "The token is for another slot or file name");
        }
        Long filesize = longClaim(claims, "filesize");
        if (filesize == null || filesize != contentLength) {
            throw new RefusedException(Refusal.WRONG_SIZE, "Content-Length differs from the size in the token");
        }
        String filetype = stringClaim(claims, "filetype");
        Long expires = longClaim(claims, "expires");
        return new VerifiedUpload(path, contentLength,
                filetype == null || filetype.isEmpty() ? VerifiedUpload.DEFAULT_CONTENT_TYPE : filetype,
                TokenProtocol.BEARER,
                stringClaim(claims, "sub"), expires == null ? null : Instant.ofEpochSecond(expires));
    }

    private JWTClaimsSet verifiedClaims(String authorization) throws RefusedException {
        if (authorization == null || !authorization.regionMatches(true, 0, PREFIX, 0, PREFIX.length())) {
            throw new RefusedException(Refusal.INVALID, "Bearer token required");
        }
        String token = authorization.substring(PREFIX.length()).trim();
        if (token.length() > MAX_TOKEN_LENGTH) {
            throw new RefusedException(Refusal.INVALID, "Invalid token: too long");
        }
        try {
            SignedJWT jwt = SignedJWT.parse(token);
            JWSHeader header = jwt.getHeader();
            // HS256 exactly: never "none", never another algorithm chosen by whoever made the token.
            if (!JWSAlgorithm.HS256.equals(header.getAlgorithm())) {
                throw new RefusedException(Refusal.INVALID, "Invalid token: only HS256 is accepted");
            }
            if (header.getCriticalParams() != null && !header.getCriticalParams().isEmpty()) {
                throw new RefusedException(Refusal.INVALID, "Invalid token: unsupported critical header parameters");
            }
            byte[] signature = jwt.getSignature().decode();
            // One spelling per signature: base64url decoding ignores the last character's spare
            // bits, so a token altered there would otherwise still pass.
            if (!Base64URL.encode(signature).toString().equals(jwt.getSignature().toString())
                    || !signatures.verifySignature(jwt.getSigningInput(), signature)) {
                throw new RefusedException(Refusal.INVALID, "Invalid token: bad signature");
            }
            return jwt.getJWTClaimsSet();
        } catch (ParseException | RuntimeException e) {
            // nimbus throws more than ParseException on some malformed input (a header of JSON null: NPE)
            throw new RefusedException(Refusal.INVALID, "Invalid token: not a signed JWT");
        }
    }

    private static String stringClaim(JWTClaimsSet claims, String name) throws RefusedException {
        try {
            return claims.getStringClaim(name);
        } catch (ParseException e) {
            throw new RefusedException(Refusal.INVALID, "Invalid token: claim " + name + " is not a string");
        }
    }

    /** A whole-number claim; Lua may write 7168 as 7168.0, but never a fraction. */
    private static Long longClaim(JWTClaimsSet claims, String name) throws RefusedException {
        Object value = claims.getClaim(name);
        if (value == null) {
            return null;
        }
        if (value instanceof Number number && number.doubleValue() == Math.rint(number.doubleValue())
                && Math.abs(number.doubleValue()) < 0x1p53) {
            return number.longValue();
        }
        throw new RefusedException(Refusal.INVALID, "Invalid token: claim " + name + " is not a whole number");
    }
}
