package io.github.httpupload.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Clean-up that never hides the error that made it necessary. */
final class Cleanup {

    private Cleanup() {
    }

    /**
     * Deletes {@code file} if it exists. A failure is added to {@code failure} as a suppressed
     * exception when there is one (the real error stays the one reported), else thrown.
     */
    static void delete(Path file, Throwable failure) throws IOException {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            if (failure == null) {
                throw e;
            }
            failure.addSuppressed(e);
        }
    }
}
