package io.github.httpupload.testsupport;

import io.github.httpupload.auth.HmacTokenVerifier;
import io.github.httpupload.auth.SlotPath;
import io.github.httpupload.config.TokenProtocol;

import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;

/** Signs slot paths the way an XMPP server does, for building upload URLs in tests. */
public final class Tokens {

    private final HmacTokenVerifier signer;

    public Tokens(String secret) {
        signer = new HmacTokenVerifier(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
    }

    /** The token for the decoded slot path {@code path} (what the XMPP server signs). */
    public String sign(TokenProtocol protocol, String path, long length, String contentType) {
        SlotPath decoded = new SlotPath(path, path.split("/", -1).length);
        return signer.sign(HmacTokenVerifier.signedMessage(protocol, decoded, length, contentType));
    }
}
