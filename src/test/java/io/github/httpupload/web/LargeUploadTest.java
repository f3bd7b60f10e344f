package io.github.httpupload.web;

import io.github.httpupload.auth.TokenProtocol;
import io.github.httpupload.testsupport.ChildServer;
import io.github.httpupload.testsupport.PatternStream;
import io.github.httpupload.testsupport.RawHttp;
import io.github.httpupload.testsupport.TestServer;
import io.github.httpupload.testsupport.Tokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
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
        try (ChildServer server = ChildServer.start(dir.resolve("storage"), SECRET, dir.resolve("server.log"),
                "-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-Xlog:gc:file=" + gcLog, "-Dhttpupload.dev.maxFileSize=" + SIZE)) {
            int port = server.port();
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
        }
    }

    /** The largest heap occupancy the GC log shows (the "before" figure of each collection). */
    static int peakHeapMiB(Path gcLog) throws IOException {
        int peak = 0;
        for (String line : Files.readAllLines(gcLog)) {
            Matcher m = GC_LINE.matcher(line);
            if (m.find()) {
                peak = Math.max(peak, Integer.parseInt(m.group(1)));
            }
        }
        return peak;
    }
}
