package io.github.httpupload.testsupport;

import io.github.httpupload.auth.TokenProtocol;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.Instant;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Signs slot paths the way an XMPP server does (docs/protocol.md: query-string, Bearer and DELETE
 * tokens), written independently of the production verifier so that tests do not check the code
 * against itself. Any path can be signed, hostile ones included.
 */
public final class Tokens {

    private final SecretKeySpec key;

    public Tokens(String secret) {
        key = new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
    }

    /** The token for the decoded slot path {@code path}; a null type signs the XMPP server's default. */
    public String sign(TokenProtocol protocol, String path, long length, String contentType) {
        String message = switch (protocol) {
            case V -> path + " " + length;
            case V2, TOKEN -> path + "\0" + length + "\0" + (contentType == null ? "application/octet-stream" : contentType);
            case BEARER -> throw new IllegalArgumentException("Bearer tokens are made by jwt()");
        };
        return HexFormat.of().formatHex(hmac(message.getBytes(StandardCharsets.UTF_8)));
    }

    /** Metronome's delete token (docs/protocol.md#delete-tokens). */
    public String deleteToken(String path, String deleteSecret) {
        return HexFormat.of().formatHex(hmac((path + "\0" + deleteSecret).getBytes(StandardCharsets.UTF_8)));
    }

    /**
     * A JWT as Prosody's {@code mod_http_file_share} makes it: {@code base64url(header) "."
     * base64url(payload) "." base64url(HMAC-SHA256)}, from JSON text given as is (so tests can
     * make malformed and hostile ones too).
     */
    public String jwt(String headerJson, String payloadJson) {
        Base64.Encoder base64 = Base64.getUrlEncoder().withoutPadding();
        String signingInput = base64.encodeToString(headerJson.getBytes(StandardCharsets.UTF_8)) + "."
                + base64.encodeToString(payloadJson.getBytes(StandardCharsets.UTF_8));
        return signingInput + "." + base64.encodeToString(hmac(signingInput.getBytes(StandardCharsets.US_ASCII)));
    }

    /** Prosody's HS256 token for uploading {@code filename} of {@code size} bytes into {@code slot}, valid until {@code exp}. */
    public String bearer(String slot, String filename, long size, String type, Instant exp, Instant expires) {
        long iat = exp.getEpochSecond() - 300;
        return jwt("{\"alg\":\"HS256\",\"typ\":\"JWT\"}",
                "{\"filename\":" + json(filename) + ",\"slot\":" + json(slot) + ",\"filesize\":" + size
                        + (type == null ? "" : ",\"filetype\":" + json(type))
                        + ",\"sub\":\"user@example.com\""
                        + (expires == null ? "" : ",\"expires\":" + expires.getEpochSecond())
                        + ",\"iat\":" + iat + ",\"exp\":" + exp.getEpochSecond() + "}");
    }

    /** A JSON string literal. */
    public static String json(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (char c : value.toCharArray()) {
            if (c == '"' || c == '\\') {
                out.append('\\').append(c);
            } else if (c < 0x20) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.append('"').toString();
    }

    private byte[] hmac(byte[] message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return mac.doFinal(message);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
