package io.github.httpupload.testsupport;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A real, small file system (tmpfs) mounted for one test, so "disk full" is the kernel's ENOSPC and
 * not a simulation. Needs root (CI runs as root); {@link #unavailableBecause()} says why not.
 */
public final class SmallFileSystem implements AutoCloseable {

    private final Path mountPoint;
    private final String unavailableBecause;

    private SmallFileSystem(Path mountPoint, String unavailableBecause) {
        this.mountPoint = mountPoint;
        this.unavailableBecause = unavailableBecause;
    }

    public static SmallFileSystem mount(Path mountPoint, int mebibytes) throws Exception {
        Files.createDirectories(mountPoint);
        Process mount = new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + mebibytes + "m", "tmpfs", mountPoint.toString())
                .redirectErrorStream(true).start();
        String output = new String(mount.getInputStream().readAllBytes());
        boolean done = mount.waitFor(30, TimeUnit.SECONDS) && mount.exitValue() == 0;
        return new SmallFileSystem(mountPoint, done ? null : "cannot mount a tmpfs (needs root): " + output.trim());
    }

    /** Why no file system could be mounted, or {@code null} when it is mounted. */
    public String unavailableBecause() {
        return unavailableBecause;
    }

    public Path path() {
        return mountPoint;
    }

    @Override
    public void close() throws Exception {
        if (unavailableBecause == null) {
            new ProcessBuilder("umount", "-l", mountPoint.toString()).inheritIO().start().waitFor(30, TimeUnit.SECONDS);
        }
    }
}
