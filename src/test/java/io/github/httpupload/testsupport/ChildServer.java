package io.github.httpupload.testsupport;

import io.github.httpupload.dev.DevServer;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The service (the README's DevServer on embedded Tomcat) in a JVM of its own, for tests that need
 * a small heap or must kill the server: stdout is read until it names its port, stderr goes to a
 * file.
 */
public final class ChildServer implements AutoCloseable {

    private final Process process;
    private final int port;

    private ChildServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    /** Starts the service with {@code secret} on storage {@code storage}; {@code jvmOptions} go first. */
    public static ChildServer start(Path storage, String secret, Path log, String... jvmOptions) throws Exception {
        return start(storage, secret, log, java.util.Map.of(), jvmOptions);
    }

    /** As {@link #start(Path, String, Path, String...)}, with {@code environment} added to the child's (LANG, for example). */
    public static ChildServer start(Path storage, String secret, Path log, java.util.Map<String, String> environment,
                                    String... jvmOptions) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(List.of(jvmOptions));
        command.addAll(List.of("-Dhttpupload.dev.port=0", "-Dhttpupload.dev.storage=" + storage,
                "-cp", System.getProperty("java.class.path"), DevServer.class.getName()));
        ProcessBuilder launch = new ProcessBuilder(command).redirectError(log.toFile());
        launch.environment().putAll(environment);
        launch.environment().put("HTTPUPLOAD_SECRET", secret);
        Process process = launch.start();
        try {
            return new ChildServer(process, awaitPort(process));
        } catch (Exception e) {
            process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            throw e;
        }
    }

    public int port() {
        return port;
    }

    /** The child's process id (for reading its memory use from /proc). */
    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** SIGKILL: no shutdown hook, no cleanup, as when the machine loses power or the OOM killer strikes. */
    public void kill() throws InterruptedException {
        process.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            kill();
        }
    }

    /** Reads the child's output until it names its port; gives up after a minute rather than hang CI. */
    private static int awaitPort(Process server) throws Exception {
        CompletableFuture<Integer> port = CompletableFuture.supplyAsync(() -> {
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    if (line.startsWith(DevServer.PORT_LINE)) {
                        return Integer.parseInt(line.substring(DevServer.PORT_LINE.length()).trim());
                    }
                }
                throw new IllegalStateException("the server exited before it listened");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
        return port.get(60, TimeUnit.SECONDS);
    }
}
