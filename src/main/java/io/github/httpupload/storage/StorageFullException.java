package io.github.httpupload.storage;

import java.io.IOException;

/** The disk has no room for the upload (answered 507): nothing was kept, and nothing else is harmed. */
public final class StorageFullException extends IOException {

    private static final long serialVersionUID = 1L;

    public StorageFullException(String message, Throwable cause) {
        super(message, cause);
    }
}
