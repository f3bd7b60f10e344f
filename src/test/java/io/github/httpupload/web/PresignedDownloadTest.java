package io.github.httpupload.web;

import io.github.httpupload.auth.TokenProtocol;
import io.github.httpupload.config.Parameters;
import io.github.httpupload.testsupport.JettyTestServer;
import io.github.httpupload.testsupport.RawHttp;
import io.github.httpupload.testsupport.RawHttp.Response;
import io.github.httpupload.testsupport.S3ProxyServer;
import io.github.httpupload.testsupport.TestServer;
import io.github.httpupload.testsupport.Tokens;
import io.github.httpupload.testsupport.TomcatTestServer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code httpupload.s3.presignedDownloads}: a GET is sent to the store with a presigned URL that
 * keeps the stored type and the inline/attachment policy; HEAD, conditional answers and errors
 * stay on the service.
 */
class PresignedDownloadTest {

    private static final String SECRET = "presigned test secret";
    private final Tokens tokens = new Tokens(SECRET);

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"tomcat", "jetty"})
    void aGetIsSentToTheStoreWhichAnswersWithTheStoredTypeAndDisposition(String container) throws Exception {
        S3ProxyServer s3 = S3ProxyServer.shared();
        TestServer.Factory factory = container.equals("tomcat") ? TomcatTestServer.factory() : JettyTestServer.factory();
        try (TestServer server = factory.start(Map.of(
                Parameters.SECRET, SECRET,
                Parameters.STORAGE, "s3",
                Parameters.S3_BUCKET, s3.newBucket(),
                Parameters.S3_ENDPOINT, s3.endpoint().toString(),
                Parameters.S3_ACCESS_KEY_ID, S3ProxyServer.ACCESS_KEY,
                Parameters.S3_SECRET_ACCESS_KEY, S3ProxyServer.SECRET_KEY,
                Parameters.S3_PRESIGNED_DOWNLOADS, "true",
                Parameters.S3_PRESIGNED_LIFETIME, "PT2M"), true)) {
            assertTrue(server.started(), server.startFailure());
            String slot = UUID.randomUUID().toString();
            byte[] photo = "not really a jpeg".getBytes(StandardCharsets.UTF_8);
            byte[] archive = "an archive".getBytes(StandardCharsets.UTF_8);
            assertEquals(201, put(server, slot + "/holiday photo.jpg", photo, "image/jpeg").status());
            assertEquals(201, put(server, slot + "/notes.zip", archive, "application/zip").status());

            Response get = RawHttp.request("GET", UploadContract.url(slot + "/holiday photo.jpg")).send(server.port());
            assertEquals(302, get.status(), get.text());
            assertEquals("no-store", get.header("Cache-Control"));
            URI location = URI.create(get.header("Location"));
            assertEquals(s3.endpoint().getPort(), location.getPort(), "straight to the store: " + location);
            assertTrue(location.getRawQuery().contains("X-Amz-Expires=120"), location.toString());

            HttpResponse<byte[]> fromStore = fetch(location, null);
            assertEquals(200, fromStore.statusCode());
            assertArrayEquals(photo, fromStore.body());
            assertEquals("image/jpeg", fromStore.headers().firstValue("Content-Type").orElseThrow());
            assertTrue(fromStore.headers().firstValue("Content-Disposition").orElseThrow()
                    .startsWith("inline; filename=\"holiday photo.jpg\""), fromStore.headers().toString());

            URI zip = URI.create(RawHttp.request("GET", UploadContract.url(slot + "/notes.zip")).send(server.port()).header("Location"));
            HttpResponse<byte[]> attachment = fetch(zip, "bytes=3-9");
            assertEquals(206, attachment.statusCode(), "the store answers the range");
            assertArrayEquals("archive".getBytes(StandardCharsets.UTF_8), attachment.body());
            assertTrue(attachment.headers().firstValue("Content-Disposition").orElseThrow().startsWith("attachment;"));

            Response head = RawHttp.request("HEAD", UploadContract.url(slot + "/holiday photo.jpg")).send(server.port());
            assertEquals(200, head.status(), "HEAD stays on the service");
            assertNull(head.header("Location"));
            assertEquals("nosniff", head.header("X-Content-Type-Options"));

            Response revalidate = RawHttp.request("GET", UploadContract.url(slot + "/holiday photo.jpg"))
                    .header("If-None-Match", head.header("ETag")).send(server.port());
            assertEquals(304, revalidate.status(), "a cached copy is confirmed by the service, not redirected");

            Response missing = RawHttp.request("GET", UploadContract.url(slot + "/other.jpg")).send(server.port());
            assertEquals(404, missing.status());
        }
    }

    private Response put(TestServer server, String path, byte[] content, String type) throws IOException {
        String token = tokens.sign(TokenProtocol.V2, path, content.length, type);
        return RawHttp.request("PUT", UploadContract.url(path) + "?v2=" + token)
                .header("Content-Type", type).body(content).send(server.port());
    }

    private static HttpResponse<byte[]> fetch(URI uri, String range) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        if (range != null) {
            request.header("Range", range);
        }
        return HttpClient.newHttpClient().send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    }
}
