package io.github.httpupload.storage;

import io.github.httpupload.auth.SlotPath;

import java.time.Instant;

/**
 * What is known about a file before its bytes arrive: where it goes and the metadata kept with it.
 *
 * @param path        the validated slot path it is stored under
 * @param length      its exact size in bytes
 * @param contentType the type it will be served with
 * @param uploader    who uploads it (a bare JID), or {@code null} when the token does not say
 * @param expiresAt   when it is to be deleted, or {@code null} for no per-file expiry
 */
public record NewFile(SlotPath path, long length, String contentType, String uploader, Instant expiresAt) {

    /** A file with no uploader and no expiry of its own (the query-token protocols name neither). */
    public static NewFile of(SlotPath path, long length, String contentType) {
        return new NewFile(path, length, contentType, null, null);
    }
}
