package io.github.httpupload.testsupport;

import io.github.httpupload.config.Parameters;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A real S3 API server for tests: gaul's S3Proxy (filesystem-nio2 backend) in a process of its
 * own on 127.0.0.1, its jar copied by the build to {@code target/s3proxy/s3proxy.jar}. It honours
 * {@code If-None-Match: *} atomically. {@link #stop} and {@link #restart} (same port, same data)
 * make the store go away and come back.
 */
public final class S3ProxyServer implements AutoCloseable {

    public static final String ACCESS_KEY = "test-access-key";
    public static final String SECRET_KEY = "test-secret-key-never-logged";
    private static final Path JAR = Path.of("target", "s3proxy", "s3proxy.jar");
    private static final Pattern STARTED = Pattern.compile("Started .*ServerConnector.*\\{127\\.0\\.0\\.1:(\\d+)}");

    private static S3ProxyServer shared;

    private final Path dir;
    private int port;
    private Process process;
    private int launches;

    private S3ProxyServer(Path dir) {
        this.dir = dir;
    }

    /** Starts S3Proxy with its data and log in {@code dir}, on a free port. */
    public static S3ProxyServer start(Path dir) throws Exception {
        S3ProxyServer server = new S3ProxyServer(dir);
        server.launch(0);
        return server;
    }

    /** One S3Proxy for the whole test JVM (its start takes seconds), stopped when the JVM exits. */
    public static synchronized S3ProxyServer shared() throws Exception {
        if (shared == null) {
            Path dir = Files.createTempDirectory("s3proxy");
            shared = start(dir);
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                shared.stop();
                try {
                    TempDirs.delete(dir);
                } catch (IOException e) {
                    // the JVM is exiting; a leftover temporary directory is all it costs
                }
            }));
        }
        return shared;
    }

    /** Creates a new, empty bucket and returns its name. */
    public String newBucket() throws IOException {
        String name = "b" + Long.toHexString(System.nanoTime()) + Integer.toHexString((int) (Math.random() * 0xffff));
        // filesystem-nio2: a bucket is a directory under the base directory
        Files.createDirectories(dir.resolve("data").resolve(name));
        return name;
    }

    /** The context parameters of a webapp that stores in {@code bucket} of this S3Proxy. */
    public Map<String, String> contextParameters(String bucket) {
        return Map.of(
                Parameters.STORAGE, "s3",
                Parameters.S3_BUCKET, bucket,
                Parameters.S3_ENDPOINT, endpoint().toString(),
                Parameters.S3_ACCESS_KEY_ID, ACCESS_KEY,
                Parameters.S3_SECRET_ACCESS_KEY, SECRET_KEY);
    }

    /** Where filesystem-nio2 keeps the objects (and partial uploads) of {@code bucket}. */
    public Path bucketDirectory(String bucket) {
        return dir.resolve("data").resolve(bucket);
    }

    /** Whether the process runs (false after {@link #stop}). */
    public boolean running() {
        return process != null && process.isAlive();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    /** An SDK client for tests, set up as the service's is (path style, checksums only where required). */
    public S3Client client() {
        return S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder())
                .endpointOverride(endpoint())
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
    }

    /** The store goes away: the process is killed, connections are refused. */
    public void stop() {
        if (process != null) {
            process.destroyForcibly();
            try {
                process.waitFor(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            process = null;
        }
    }

    /** The store comes back on the same port with the same data. */
    public void restart() throws Exception {
        stop();
        int wanted = port;
        Exception last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            try {
                launch(wanted);
                return;
            } catch (IllegalStateException e) { // the port is not free again yet
                last = e;
                Thread.sleep(250);
            }
        }
        throw last;
    }

    @Override
    public void close() {
        stop();
    }

    private void launch(int wantedPort) throws Exception {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR.toAbsolutePath() + " is missing: `mvn process-test-classes` copies it");
        }
        Files.createDirectories(dir.resolve("data"));
        Path properties = dir.resolve("s3proxy.conf");
        Files.writeString(properties, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + wantedPort,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=filesystem-nio2",
                "jclouds.filesystem.basedir=" + dir.resolve("data"), ""));
        Path log = dir.resolve("s3proxy-" + (++launches) + ".log"); // one per launch: its start line is this one's
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-jar", JAR.toAbsolutePath().toString(), "--properties", properties.toString());
        Process started = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            Matcher line = STARTED.matcher(Files.readString(log, StandardCharsets.UTF_8));
            if (line.find()) {
                port = Integer.parseInt(line.group(1));
                process = started;
                return;
            }
            if (!started.isAlive()) {
                throw new IllegalStateException("S3Proxy exited at start; its log " + log + " ends:\n" + tail(log));
            }
            Thread.sleep(50);
        }
        started.destroyForcibly();
        throw new IllegalStateException("S3Proxy did not start within 60 s; its log " + log + " ends:\n" + tail(log));
    }

    private static String tail(Path log) throws IOException {
        String text = Files.readString(log, StandardCharsets.UTF_8);
        return text.substring(Math.max(0, text.length() - 3000));
    }
}
