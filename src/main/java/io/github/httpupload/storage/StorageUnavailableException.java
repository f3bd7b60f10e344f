package io.github.httpupload.storage;

import java.io.IOException;

/**
 * The storage could not be reached or refused to work for now (an object store down, answering
 * 5xx or throttling): nothing was stored, and the same request can succeed later (503).
 */
public final class StorageUnavailableException extends IOException {

    private static final long serialVersionUID = 1L;

    public StorageUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
