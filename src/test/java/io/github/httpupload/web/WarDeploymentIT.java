package io.github.httpupload.web;

import io.github.httpupload.auth.TokenProtocol;
import io.github.httpupload.config.Parameters;
import io.github.httpupload.testsupport.LogCapture;
import io.github.httpupload.testsupport.RawHttp;
import io.github.httpupload.testsupport.S3ProxyServer;
import io.github.httpupload.testsupport.SweeperThreads;
import io.github.httpupload.testsupport.Tokens;
import io.github.httpupload.testsupport.TomcatTestServer;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.startup.Tomcat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The packaged WAR, deployed into Tomcat the way an operator does it: nothing but a context
 * descriptor's {@code <Parameter>}s ({@link Context#addApplicationParameter}). Runs after
 * {@code package} (failsafe), with the WAR's path in the system property {@code httpupload.war}.
 */
class WarDeploymentIT {

    private static final String SECRET = "war deployment secret";

    @TempDir
    Path dir;

    @Test
    void theWarServesUploadsConfiguredOnlyByContextParameters() throws Exception {
        Path storage = dir.resolve("storage");
        Tomcat tomcat = deploy(Map.of(Parameters.SECRET, SECRET, Parameters.STORAGE_DIR, storage.toString()));
        try {
            assertUploadedAndServed(tomcat, "très cool.txt", "tr%c3%a8s%20cool.txt");
            assertTrue(Files.isDirectory(storage.resolve("files")));
        } finally {
            tomcat.stop();
            tomcat.destroy();
        }
    }

    @Test
    void theWarServesUploadsFromAnS3BucketConfiguredOnlyByContextParameters() throws Exception {
        S3ProxyServer s3 = S3ProxyServer.shared();
        Tomcat tomcat = deploy(Map.of(Parameters.SECRET, SECRET,
                Parameters.STORAGE, "s3",
                Parameters.S3_BUCKET, s3.newBucket(),
                Parameters.S3_ENDPOINT, s3.endpoint().toString(),
                Parameters.S3_ACCESS_KEY_ID, S3ProxyServer.ACCESS_KEY,
                Parameters.S3_SECRET_ACCESS_KEY, S3ProxyServer.SECRET_KEY));
        try {
            assertUploadedAndServed(tomcat, "in the bucket.txt", "in%20the%20bucket.txt");
        } finally {
            tomcat.stop();
            tomcat.destroy();
        }
    }

    /** Tomcat would find a missing SDK on the test class path; an operator's Tomcat would not. */
    @Test
    void theWarCarriesTheSdkWithTheJdkHttpClientOnly() throws IOException {
        List<String> libs;
        try (ZipFile war = new ZipFile(warFile().toFile())) {
            libs = war.stream().map(ZipEntry::getName).filter(n -> n.startsWith("WEB-INF/lib/") && n.endsWith(".jar"))
                    .map(n -> n.substring("WEB-INF/lib/".length())).toList();
        }
        for (String needed : List.of("s3-", "url-connection-client-", "sdk-core-", "auth-", "regions-", "nimbus-jose-jwt-")) {
            assertTrue(libs.stream().anyMatch(l -> l.startsWith(needed)), needed + " missing from " + libs);
        }
        for (String unwanted : List.of("netty", "apache-client", "apache5-client", "httpclient", "jakarta.servlet")) {
            assertFalse(libs.stream().anyMatch(l -> l.contains(unwanted)), unwanted + " in " + libs);
        }
    }

    @Test
    void theWarRefusesToStartWithoutASecret() throws Exception {
        Tomcat tomcat = deploy(Map.of(Parameters.STORAGE_DIR, dir.resolve("storage").toString()));
        try {
            Context context = (Context) tomcat.getHost().findChild("/upload");
            assertTrue(context.getState() != LifecycleState.STARTED, "the webapp started without a secret");
            assertEquals(404, RawHttp.request("GET", "/upload/a/b").send(tomcat.getConnector().getLocalPort()).status());
        } finally {
            tomcat.stop();
            tomcat.destroy();
        }
    }

    /**
     * The sweeper thread lives exactly as long as the webapp. Tomcat checks this itself: on stop,
     * a thread still running with the webapp's class loader is reported ("appears to have started a
     * thread named ...") and would pin every class of the old deployment.
     */
    @Test
    void aReloadOrUndeployOfTheWarLeavesNoSweeperThreadBehind() throws Exception {
        Path storage = dir.resolve("storage");
        String log;
        Thread first;
        Thread second;
        try (LogCapture capture = new LogCapture(java.util.logging.Level.WARNING)) {
            Tomcat tomcat = deploy(Map.of(Parameters.SECRET, SECRET, Parameters.STORAGE_DIR, storage.toString()));
            Context context = (Context) tomcat.getHost().findChild("/upload");
            try {
                first = SweeperThreads.awaitOne(storage);
                assertSame(context.getLoader().getClassLoader(), first.getContextClassLoader());

                context.reload(); // what Tomcat does when the WAR is replaced or the manager reloads it

                second = SweeperThreads.awaitOne(storage);
                assertNotSame(first, second);
                assertFalse(first.isAlive(), "the first deployment's sweeper survived the reload");
                assertEquals(LifecycleState.STARTED, context.getState());
            } finally {
                tomcat.stop(); // the undeploy
                tomcat.destroy();
            }
            log = capture.text();
        }
        assertFalse(second.isAlive(), "the sweeper survived the undeploy");
        assertEquals(List.of(), SweeperThreads.alive(storage));
        assertFalse(log.contains("appears to have started a thread"), log);
    }

    /** A v2 upload of a file named {@code name} (sent as {@code encodedName}), then its download. */
    private static void assertUploadedAndServed(Tomcat tomcat, String name, String encodedName) throws IOException {
        int port = tomcat.getConnector().getLocalPort();
        String slot = "4a771ac1-f0b2-4a4a-9700-f2a26fa2bb67";
        byte[] content = ("deployed from the WAR: " + name).getBytes(StandardCharsets.UTF_8);
        String target = "/upload/" + slot + "/" + encodedName;

        RawHttp.Response put = RawHttp.request("PUT", target + "?v2=" + new Tokens(SECRET).sign(TokenProtocol.V2,
                slot + "/" + name, content.length, "text/plain")).header("Content-Type", "text/plain").body(content).send(port);
        RawHttp.Response get = RawHttp.request("GET", target).send(port);

        assertEquals(201, put.status(), put.text());
        assertEquals(200, get.status());
        assertArrayEquals(content, get.body());
    }

    private static Path warFile() {
        return Path.of(System.getProperty("httpupload.war", "target/http-upload-servlet.war"));
    }

    private Tomcat deploy(Map<String, String> parameters) throws Exception {
        Path war = warFile();
        assertTrue(Files.isRegularFile(war), "build the WAR first: " + war);
        Tomcat tomcat = TomcatTestServer.embedded(dir.resolve("tomcat"), 0);
        tomcat.getHost().setAppBase(Files.createDirectories(dir.resolve("webapps")).toString());
        Context context = tomcat.addWebapp("/upload", war.toAbsolutePath().toString());
        TomcatTestServer.addContextXmlParameters(context, parameters);
        tomcat.start();
        return tomcat;
    }
}
