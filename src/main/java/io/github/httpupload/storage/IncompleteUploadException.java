package io.github.httpupload.storage;

import java.io.IOException;

/** The upload body ended, or the client went away, before the announced length: nothing was kept. */
public final class IncompleteUploadException extends IOException {

    private static final long serialVersionUID = 1L;

    public IncompleteUploadException(long received, long expected, Throwable cause) {
        super("upload ended after " + received + " of " + expected + " bytes", cause);
    }
}
