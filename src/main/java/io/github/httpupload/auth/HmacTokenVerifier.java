package io.github.httpupload.auth;

import io.github.httpupload.auth.TokenProtocol;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Signs and verifies HMAC-SHA256 with the shared secret: the query tokens {@code v}, {@code v2}
 * and {@code token}, Metronome's delete token, and the signature of a Bearer JWT
 * (docs/protocol.md#keys-encoding-and-comparison). During a secret rotation there are two keys:
 * a signature by either is valid; {@link #sign} uses the first (the current one). Thread-safe:
 * each keyed {@link Mac} is prepared once and cloned per call, because a {@code Mac} is not
 * thread-safe and keying one costs more than cloning it.
 */
public final class HmacTokenVerifier {

    private static final int TOKEN_BYTES = 32;
    private static final byte NUL = 0;

    private final List<Mac> prototypes;

    public HmacTokenVerifier(List<SecretKeySpec> keys) {
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no key");
        }
        List<Mac> macs = new ArrayList<>(keys.size());
        for (SecretKeySpec key : keys) {
            try {
                Mac prototype = Mac.getInstance("HmacSHA256");
                prototype.init(key);
                prototype.clone(); // fail at start, not on the first upload, if this provider cannot clone
                macs.add(prototype);
            } catch (GeneralSecurityException | CloneNotSupportedException e) {
                throw new IllegalStateException("HmacSHA256 is not available", e);
            }
        }
        this.prototypes = List.copyOf(macs);
    }

    public HmacTokenVerifier(SecretKeySpec key) {
        this(List.of(key));
    }

    /**
     * The exact bytes the XMPP server signed for {@code protocol}: {@code path " " length} for v1,
     * {@code path \0 length \0 type} for v2 and token. The path is UTF-8 (it was percent-decoded
     * to text); the content type is an HTTP header value, whose every character stands for one
     * byte as sent (ISO-8859-1), so a non-ASCII type is signed with the bytes the client sent.
     */
    public static byte[] signedMessage(TokenProtocol protocol, SlotPath path, long contentLength, String contentType) {
        ByteArrayOutputStream message = new ByteArrayOutputStream(path.value().length() + 64);
        message.writeBytes(path.value().getBytes(StandardCharsets.UTF_8));
        byte[] length = Long.toString(contentLength).getBytes(StandardCharsets.US_ASCII);
        if (protocol.signsContentType()) {
            message.write(NUL);
            message.writeBytes(length);
            message.write(NUL);
            message.writeBytes(contentType.getBytes(StandardCharsets.ISO_8859_1));
        } else {
            message.write(' ');
            message.writeBytes(length);
        }
        return message.toByteArray();
    }

    /**
     * Metronome's delete token message (docs/protocol.md#delete-tokens): {@code path \0 deleteSecret}, signed with
     * the shared secret, so a delete token cannot be derived from an upload token.
     */
    public static byte[] deleteMessage(SlotPath path, String deleteSecret) {
        ByteArrayOutputStream message = new ByteArrayOutputStream(path.value().length() + deleteSecret.length() + 8);
        message.writeBytes(path.value().getBytes(StandardCharsets.UTF_8));
        message.write(NUL);
        message.writeBytes(deleteSecret.getBytes(StandardCharsets.UTF_8));
        return message.toByteArray();
    }

    /** The token, as 64 lowercase hex digits, for {@code message}, with the current key. */
    public String sign(byte[] message) {
        return toHex(mac(prototypes.get(0)).doFinal(message));
    }

    /** Whether {@code token} (64 lowercase hex digits) is the HMAC of {@code message}; constant time. */
    public boolean verify(byte[] message, String token) {
        byte[] presented = fromHex(token);
        // Compare even when the token was malformed, so both paths take the same time.
        return verifySignature(message, presented == null ? new byte[TOKEN_BYTES] : presented) && presented != null;
    }

    /** Whether {@code signature} is the raw HMAC of {@code message} under any of the keys; constant time per key. */
    public boolean verifySignature(byte[] message, byte[] signature) {
        boolean valid = false;
        for (Mac prototype : prototypes) {
            valid |= MessageDigest.isEqual(mac(prototype).doFinal(message), signature);
        }
        return valid;
    }

    private static Mac mac(Mac prototype) {
        try {
            return (Mac) prototype.clone();
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException(e); // checked in the constructor
        }
    }

    /** Decodes exactly 64 lowercase hex digits, or returns {@code null}. */
    private static byte[] fromHex(String hex) {
        if (hex == null || hex.length() != TOKEN_BYTES * 2) {
            return null;
        }
        byte[] bytes = new byte[TOKEN_BYTES];
        for (int i = 0; i < TOKEN_BYTES; i++) {
            int high = lowerHexDigit(hex.charAt(2 * i));
            int low = lowerHexDigit(hex.charAt(2 * i + 1));
            if (high < 0 || low < 0) {
                return null;
            }
            bytes[i] = (byte) (high << 4 | low);
        }
        return bytes;
    }

    private static int lowerHexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        return -1;
    }

    private static String toHex(byte[] bytes) {
        StringBuilder hex = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) {
            hex.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
        }
        return hex.toString();
    }
}
