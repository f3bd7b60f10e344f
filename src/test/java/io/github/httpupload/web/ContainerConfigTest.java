package io.github.httpupload.web;

import io.github.httpupload.config.Parameters;
import io.github.httpupload.testsupport.JettyTestServer;
import io.github.httpupload.testsupport.RawHttp;
import io.github.httpupload.testsupport.TestServer;
import io.github.httpupload.testsupport.TomcatTestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * Bad configuration fails the deployment at start on both containers, with a message that names
 * the parameter and the value, and never shows the secret.
 */
class ContainerConfigTest {

    private static final String SECRET = "container-config-secret-never-logged";

    @TempDir
    static Path dir;

    static Stream<Arguments> badConfigurations() throws Exception {
        Path regularFile = Files.writeString(dir.resolve("a-regular-file"), "not a directory");
        Path storage = dir.resolve("storage");
        List<Arguments> cases = new ArrayList<>();
        Map<String, Map<String, String>> configurations = Map.of(
                "missing secret", Map.of(Parameters.STORAGE_DIR, storage.toString()),
                "unreadable secret file", Map.of(Parameters.SECRET_FILE, dir.resolve("no-such-file").toString(),
                        Parameters.STORAGE_DIR, storage.toString()),
                "missing storage dir", Map.of(Parameters.SECRET, SECRET),
                "storage dir not writable", Map.of(Parameters.SECRET, SECRET,
                        Parameters.STORAGE_DIR, regularFile.resolve("storage").toString()),
                "non-number size", Map.of(Parameters.SECRET, SECRET, Parameters.STORAGE_DIR, storage.toString(),
                        Parameters.MAX_FILE_SIZE, "100MB"),
                "unknown protocol", Map.of(Parameters.SECRET, SECRET, Parameters.STORAGE_DIR, storage.toString(),
                        Parameters.PROTOCOLS, "v2,v3"));
        Map<String, String> expectedText = Map.of(
                "missing secret", "[httpupload.secret]",
                "unreadable secret file", "[httpupload.secretFile] value [" + dir.resolve("no-such-file") + "]",
                "missing storage dir", "[httpupload.storageDir]",
                "storage dir not writable", "[httpupload.storageDir] value [" + regularFile.resolve("storage") + "]",
                "non-number size", "[httpupload.maxFileSize] value [100MB]",
                "unknown protocol", "[httpupload.protocols] value [v2,v3]");
        for (TestServer.Factory container : List.of(TomcatTestServer.factory(), JettyTestServer.factory())) {
            String name = containerName(container);
            configurations.forEach((reason, parameters) ->
                    cases.add(arguments(name, reason, container, parameters, expectedText.get(reason))));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "{0}: {1} fails the deployment")
    @MethodSource("badConfigurations")
    void badConfigurationFailsTheDeployment(String containerName, String reason, TestServer.Factory container,
                                            Map<String, String> parameters, String expected) throws Exception {
        try (TestServer server = container.start(parameters, true)) {
            assertFalse(server.started(), reason);
            assertTrue(server.startFailure().contains(expected), "expected [" + expected + "] in:\n" + server.startFailure());
            assertFalse(server.startFailure().contains(SECRET));
            if (server.port() > 0) {
                // Tomcat keeps running with the webapp stopped; Jetty's start() fails as a whole.
                assertEquals(404, RawHttp.request("GET", TestServer.CONTEXT + "/a/b").send(server.port()).status());
            }
        }
    }

    @Test
    void aGoodStartLogsOneSummaryWithoutTheSecret() throws Exception {
        Map<String, String> parameters = new HashMap<>(Map.of(
                Parameters.SECRET, SECRET,
                Parameters.STORAGE_DIR, dir.resolve("good").toString(),
                "httpupload.maxFilesize", "42"));
        try (TomcatTestServer server = TomcatTestServer.start(parameters, true)) {
            assertTrue(server.started());
            String log = server.startLog();
            // Each component logs what it uses, once: the storage, the token filter, the servlet.
            assertEquals(1, log.lines().filter(l -> l.contains("http-upload-servlet storage:")).count(), log);
            assertEquals(1, log.lines().filter(l -> l.contains("http-upload-servlet HmacAuthFilter [")).count(), log);
            assertEquals(1, log.lines().filter(l -> l.contains("http-upload-servlet UploadServlet [")).count(), log);
            assertTrue(log.contains("httpupload.storageDir=" + dir.resolve("good")), log);
            assertTrue(log.contains("unknown configuration parameter [httpupload.maxFilesize]"), log);
            assertFalse(log.contains(SECRET), log);
        }
    }

    private static String containerName(TestServer.Factory container) {
        return container.getClass().getName().contains("Tomcat") ? "Tomcat" : "Jetty";
    }
}
