package io.github.httpupload.web;

import io.github.httpupload.config.ParameterReader;
import io.github.httpupload.config.ParameterSource;

import static io.github.httpupload.config.Parameters.DELETE_SECRET;
import static io.github.httpupload.config.Parameters.UPLOAD_IDLE_TIMEOUT;

/**
 * What {@link UploadServlet} needs beyond its storage.
 *
 * @param uploadIdleTimeout seconds within which an upload must deliver at least 16 KiB
 * @param deleteEnabled     whether DELETE is offered (a delete secret is set; the filter checks it)
 */
record UploadServletSettings(int uploadIdleTimeout, boolean deleteEnabled) {

    static final int DEFAULT_UPLOAD_IDLE_TIMEOUT = 30;

    static UploadServletSettings from(ParameterSource source) {
        ParameterReader reader = new ParameterReader(source);
        return new UploadServletSettings(
                reader.integer(UPLOAD_IDLE_TIMEOUT, DEFAULT_UPLOAD_IDLE_TIMEOUT, 1, 86_400,
                        "expected a whole number of seconds from 1 to 86400"),
                reader.string(DELETE_SECRET) != null);
    }

    @Override
    public String toString() {
        return UPLOAD_IDLE_TIMEOUT + "=" + uploadIdleTimeout + ", DELETE " + (deleteEnabled ? "enabled" : "disabled");
    }
}
