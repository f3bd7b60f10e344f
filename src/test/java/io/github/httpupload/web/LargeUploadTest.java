package io.github.httpupload.web;

import io.github.httpupload.config.TokenProtocol;
import io.github.httpupload.dev.DevServer;
import io.github.httpupload.testsupport.RawHttp;
import io.github.httpupload.testsupport.TestServer;
import io.github.httpupload.testsupport.Tokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A 256 MiB upload and download through a server whose whole heap is 64 MiB: streaming in constant
 * memory is the only way it can succeed. The server runs in its own JVM (the DevServer), which
 * exits on OutOfMemoryError, and logs its garbage collections so the peak heap can be reported.
 */
class LargeUploadTest {

    private static final long SIZE = 256L * 1024 * 1024;
    private static final String SECRET = "large upload secret";
    private static final Pattern GC_LINE = Pattern.compile("(\\d+)M->(\\d+)M\\((\\d+)M\\)");

    @TempDir
    Path dir;

    @Test
    void a256MiBFileStreamsThroughA64MiBHeap() throws Exception {
        Path gcLog = dir.resolve("gc.log");
        ProcessBuilder launch = new ProcessBuilder(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-Xlog:gc:file=" + gcLog,
                "-Dhttpupload.dev.port=0", "-Dhttpupload.dev.maxFileSize=" + SIZE, "-Dhttpupload.dev.storage=" + dir.resolve("storage"),
                "-cp", System.getProperty("java.class.path"), DevServer.class.getName()))
                .redirectError(dir.resolve("server.log").toFile());
        launch.environment().put("HTTPUPLOAD_SECRET", SECRET);
        Process server = launch.start();
        try {
            int port = awaitPort(server);
            String path = "large-" + System.nanoTime() + "/video.mp4";
            String token = new Tokens(SECRET).sign(TokenProtocol.V, path, SIZE, null);
            MessageDigest sent = MessageDigest.getInstance("SHA-256");

            RawHttp.Response put = RawHttp.request("PUT", TestServer.CONTEXT + "/" + path + "?v=" + token)
                    .header("Content-Type", "video/mp4").header("Content-Length", SIZE)
                    .body(new DigestInputStream(new PatternStream(SIZE), sent)).send(port);

            assertEquals(201, put.status(), put.text());
            HttpResponse<InputStream> get = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + TestServer.CONTEXT + "/" + path)).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, get.statusCode());
            assertEquals(Long.toString(SIZE), get.headers().firstValue("Content-Length").orElseThrow());
            MessageDigest received = MessageDigest.getInstance("SHA-256");
            try (InputStream body = new DigestInputStream(get.body(), received)) {
                body.transferTo(java.io.OutputStream.nullOutputStream());
            }
            assertArrayEquals(sent.digest(), received.digest(), "downloaded bytes differ from uploaded bytes");
            assertTrue(server.isAlive(), "the server died (OutOfMemoryError?)");
            System.out.println("LargeUploadTest: 256 MiB PUT + GET with -Xmx64m; peak heap before a GC "
                    + peakHeapMiB(gcLog) + " MiB (from " + gcLog + ")");
        } finally {
            server.destroy();
            if (!server.waitFor(20, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor(20, TimeUnit.SECONDS);
            }
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

    /** The largest heap occupancy the GC log shows (the "before" figure of each collection). */
    private static int peakHeapMiB(Path gcLog) throws IOException {
        int peak = 0;
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = GC_LINE.matcher(line);
            if (m.find()) {
                peak = Math.max(peak, Integer.parseInt(m.group(1)));
            }
        }
        return peak;
    }

    /** {@code size} bytes of a repeating, non-trivial pattern, generated on the fly. */
    private static final class PatternStream extends InputStream {
        private long remaining;
        private int state = 17;

        PatternStream(long size) {
            remaining = size;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) {
            if (remaining == 0) {
                return -1;
            }
            int n = (int) Math.min(length, remaining);
            for (int i = 0; i < n; i++) {
                state = state * 1103515245 + 12345;
                buffer[offset + i] = (byte) (state >>> 24);
            }
            remaining -= n;
            return n;
        }
    }
}
