package io.github.httpupload.auth;

/**
 * What {@code HmacAuthFilter} proved about a DELETE request (Metronome, docs/protocol.md#delete-tokens): the
 * XMPP server signed the deletion of {@code path}. Handed downstream as the request attribute
 * {@value #ATTRIBUTE}.
 */
public record VerifiedDeletion(SlotPath path) {

    /** The request attribute name: {@code io.github.httpupload.auth.VerifiedDeletion}. */
    public static final String ATTRIBUTE = "io.github.httpupload.auth.VerifiedDeletion";
}
