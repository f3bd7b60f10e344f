package io.github.httpupload.web;

import io.github.httpupload.auth.TokenProtocol;
import io.github.httpupload.config.Parameters;
import io.github.httpupload.testsupport.ChildServer;
import io.github.httpupload.testsupport.PatternStream;
import io.github.httpupload.testsupport.RawHttp;
import io.github.httpupload.testsupport.S3ProxyServer;
import io.github.httpupload.testsupport.TestServer;
import io.github.httpupload.testsupport.Tokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link LargeUploadTest} through the S3 backend: 256 MiB up and down through a server whose heap
 * is 64 MiB, stored in a real S3 API server (S3Proxy). Only a streamed body in both directions,
 * to the store and from it, fits; the child exits on OutOfMemoryError.
 */
class LargeS3UploadTest {

    private static final long SIZE = 256L * 1024 * 1024;
    private static final String SECRET = "large s3 upload secret";

    @TempDir
    Path dir;

    @Test
    void a256MiBFileStreamsThroughA64MiBHeapToTheStoreAndBack() throws Exception {
        Path gcLog = dir.resolve("gc.log");
        try (S3ProxyServer s3 = S3ProxyServer.start(Files.createDirectories(dir.resolve("s3")))) {
            String bucket = s3.newBucket();
            try (ChildServer server = ChildServer.start(dir.resolve("unused-storage"), SECRET, dir.resolve("server.log"),
                    "-Xmx64m", "-XX:+ExitOnOutOfMemoryError", "-Xlog:gc:file=" + gcLog,
                    "-Dhttpupload.dev.maxFileSize=" + SIZE,
                    "-D" + Parameters.STORAGE + "=s3",
                    "-D" + Parameters.S3_BUCKET + "=" + bucket,
                    "-D" + Parameters.S3_ENDPOINT + "=" + s3.endpoint(),
                    "-D" + Parameters.S3_ACCESS_KEY_ID + "=" + S3ProxyServer.ACCESS_KEY,
                    "-D" + Parameters.S3_SECRET_ACCESS_KEY + "=" + S3ProxyServer.SECRET_KEY)) {
                int port = server.port();
                String path = "large-s3-" + System.nanoTime() + "/video.mp4";
                String token = new Tokens(SECRET).sign(TokenProtocol.V, path, SIZE, null);
                MessageDigest sent = MessageDigest.getInstance("SHA-256");

                RawHttp.Response put = RawHttp.request("PUT", TestServer.CONTEXT + "/" + path + "?v=" + token)
                        .header("Content-Type", "video/mp4").header("Content-Length", SIZE)
                        .body(new DigestInputStream(new PatternStream(SIZE), sent)).send(port);
                assertEquals(201, put.status(), put.text() + "\n" + Files.readString(dir.resolve("server.log")));

                HttpResponse<InputStream> get = HttpClient.newHttpClient().send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + TestServer.CONTEXT + "/" + path)).build(),
                        HttpResponse.BodyHandlers.ofInputStream());
                assertEquals(200, get.statusCode());
                assertEquals(Long.toString(SIZE), get.headers().firstValue("Content-Length").orElseThrow());
                MessageDigest received = MessageDigest.getInstance("SHA-256");
                try (InputStream body = new DigestInputStream(get.body(), received)) {
                    body.transferTo(OutputStream.nullOutputStream());
                }
                assertArrayEquals(sent.digest(), received.digest(), "downloaded bytes differ from uploaded bytes");
                assertTrue(server.isAlive(), "the server died (OutOfMemoryError?)");
                assertTrue(storedInBucket(s3.bucketDirectory(bucket)), "no 256 MiB object in the bucket");
                assertTrue(Files.notExists(dir.resolve("unused-storage")), "the local backend was used");
                System.out.println("LargeS3UploadTest: 256 MiB PUT + GET through S3 with -Xmx64m; peak heap before a GC "
                        + LargeUploadTest.peakHeapMiB(gcLog) + " MiB, " + peakRss(server.pid()));
            }
        }
    }

    private static boolean storedInBucket(Path bucket) throws IOException {
        try (var files = Files.walk(bucket)) {
            return files.filter(Files::isRegularFile).anyMatch(f -> f.toFile().length() == SIZE);
        }
    }

    /** The child's peak resident set (VmHWM), where /proc has it. */
    private static String peakRss(long pid) throws IOException {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        if (!Files.isReadable(status)) {
            return "peak RSS unknown (no /proc)";
        }
        return Files.readAllLines(status).stream().filter(l -> l.startsWith("VmHWM:"))
                .map(l -> "peak RSS " + l.substring(6).trim()).findFirst().orElse("peak RSS unknown");
    }
}
