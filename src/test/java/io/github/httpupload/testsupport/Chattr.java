package io.github.httpupload.testsupport;

import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Makes a directory immutable ({@code chattr +i}) and back. Tests run as root, whom a chmod does
 * not stop; an immutable directory refuses even root a new entry. Where chattr is missing or the
 * file system has no such flag, {@link #immutable} skips the test.
 */
public final class Chattr {

    private Chattr() {
    }

    /** Makes {@code directory} immutable, or skips the test when this machine cannot. */
    public static void immutable(Path directory) throws InterruptedException {
        String failure = run("+i", directory);
        Assumptions.assumeTrue(failure == null, () -> "chattr +i is unavailable here: " + failure);
    }

    /** Undoes {@link #immutable}; harmless on a directory that is not immutable. */
    public static void mutable(Path directory) throws InterruptedException {
        String failure = run("-i", directory);
        if (failure != null) {
            throw new IllegalStateException("chattr -i " + directory + " failed: " + failure);
        }
    }

    /** {@code null} on success, else what went wrong. */
    private static String run(String flag, Path directory) throws InterruptedException {
        try {
            Process chattr = new ProcessBuilder("chattr", flag, directory.toString()).redirectErrorStream(true).start();
            String output = new String(chattr.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            return chattr.waitFor() == 0 ? null : output.trim();
        } catch (IOException e) {
            return e.toString(); // no chattr on this machine
        }
    }
}
