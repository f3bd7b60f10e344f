package io.github.httpupload.storage;

import java.io.IOException;

/**
 * The slot path belonged to a file that was deleted (expired, or deleted by the XMPP server): its
 * URLs answer 410 Gone, and an old upload URL cannot store a new file there.
 */
public final class FileDeletedException extends IOException {

    private static final long serialVersionUID = 1L;

    public FileDeletedException() {
        super("the file at this path was deleted", null);
    }
}
