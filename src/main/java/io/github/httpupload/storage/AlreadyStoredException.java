package io.github.httpupload.storage;

import java.io.IOException;

/** A file is already stored under that slot path; stored files are never replaced. */
public final class AlreadyStoredException extends IOException {

    private static final long serialVersionUID = 1L;

    public AlreadyStoredException() {
        super("a file is already stored under this path", null);
    }
}
