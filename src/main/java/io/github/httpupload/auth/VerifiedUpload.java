package io.github.httpupload.auth;

import io.github.httpupload.config.TokenProtocol;

/**
 * What the upload filter ({@code HmacAuthFilter}) proved about a PUT request, handed downstream as
 * the request attribute {@value #ATTRIBUTE}. A servlet behind the filter stores the body under {@code path}
 * only when this attribute is present.
 *
 * @param path          the signed slot path
 * @param contentLength the signed body length in bytes
 * @param contentType   the request's Content-Type, or {@code application/octet-stream} when absent
 * @param protocol      the token protocol that was verified
 */
public record VerifiedUpload(SlotPath path, long contentLength, String contentType, TokenProtocol protocol) {

    /** The request attribute name: {@code io.github.httpupload.auth.VerifiedUpload}. */
    public static final String ATTRIBUTE = "io.github.httpupload.auth.VerifiedUpload";

    /** The type the XMPP server signs when the client announced none. */
    public static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";
}
