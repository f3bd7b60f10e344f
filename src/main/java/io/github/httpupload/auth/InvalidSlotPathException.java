package io.github.httpupload.auth;

/** A request path that can never name a stored file: the reason is safe to show to the client. */
public final class InvalidSlotPathException extends Exception {

    private static final long serialVersionUID = 1L;
    private final boolean malformed;

    public InvalidSlotPathException(String reason) {
        this(reason, false);
    }

    /** @param malformed the request itself is broken (its container refused the path), not merely no slot path */
    public InvalidSlotPathException(String reason, boolean malformed) {
        super(reason, null, false, false);
        this.malformed = malformed;
    }

    /** Whether the request is malformed (answer 400 to any method), rather than a path that names no file (404 on GET). */
    public boolean malformed() {
        return malformed;
    }
}
