package io.github.httpupload.auth;

import io.github.httpupload.auth.TokenProtocol;

import java.time.Instant;

/**
 * What the upload filter ({@code HmacAuthFilter}) proved about a PUT request, handed downstream as
 * the request attribute {@value #ATTRIBUTE}. A servlet behind the filter stores the body under {@code path}
 * only when this attribute is present.
 *
 * @param path          the signed slot path
 * @param contentLength the signed body length in bytes
 * @param contentType   the signed type: the request's Content-Type (or {@code application/octet-stream}
 *                      when absent) for query tokens, the token's {@code filetype} for Bearer
 * @param protocol      the token protocol that was verified
 * @param uploader      the uploader's bare JID (a Bearer token's {@code sub}), or {@code null}
 * @param expiresAt     when the XMPP server wants the file deleted (a Bearer token's {@code expires}), or {@code null}
 */
public record VerifiedUpload(SlotPath path, long contentLength, String contentType, TokenProtocol protocol,
                             String uploader, Instant expiresAt) {

    /** The request attribute name: {@code io.github.httpupload.auth.VerifiedUpload}. */
    public static final String ATTRIBUTE = "io.github.httpupload.auth.VerifiedUpload";

    /** The type the XMPP server signs when the client announced none. */
    public static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";

    /** An upload proven by a query token, which names no uploader and no expiry. */
    public VerifiedUpload(SlotPath path, long contentLength, String contentType, TokenProtocol protocol) {
        this(path, contentLength, contentType, protocol, null, null);
    }
}
