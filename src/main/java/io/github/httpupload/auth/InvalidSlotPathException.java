package io.github.httpupload.auth;

/** A request path that can never name a stored file: the reason is safe to show to the client. */
public final class InvalidSlotPathException extends Exception {

    private static final long serialVersionUID = 1L;

    public InvalidSlotPathException(String reason) {
        super(reason, null, false, false);
    }
}
