package io.github.httpupload.storage;

import java.io.IOException;

/** The storage cannot hold a file this large at all (answered 413): nothing was read or kept. */
public final class FileTooLargeException extends IOException {

    private static final long serialVersionUID = 1L;

    public FileTooLargeException(String message) {
        super(message);
    }
}
