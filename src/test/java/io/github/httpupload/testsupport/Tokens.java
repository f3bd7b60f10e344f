package io.github.httpupload.testsupport;

import io.github.httpupload.config.TokenProtocol;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.HexFormat;

/**
 * Signs slot paths the way an XMPP server does (PROTOCOL.md §3), written independently of the
 * production verifier so that tests do not check the code against itself. Any path can be signed,
 * hostile ones included.
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
        };
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
