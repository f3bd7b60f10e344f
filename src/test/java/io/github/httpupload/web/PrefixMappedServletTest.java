package io.github.httpupload.web;

import io.github.httpupload.auth.TokenProtocol;
import io.github.httpupload.config.Parameters;
import io.github.httpupload.testsupport.RawHttp;
import io.github.httpupload.testsupport.Tokens;
import io.github.httpupload.testsupport.TomcatTestServer;
import org.apache.catalina.Context;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The filter in front of a servlet mapped to a prefix ({@code /files/*}), as in an existing webapp:
 * the slot path is what follows the servlet's mapping, whatever pattern the filter is mapped to,
 * so filter and servlet always agree on it.
 */
class PrefixMappedServletTest {

    private static final String SECRET = "mapping secret";

    @TempDir
    Path dir;

    @Test
    void theSlotPathFollowsTheServletMapping() throws Exception {
        Path storage = dir.resolve("storage");
        Tomcat tomcat = TomcatTestServer.embedded(dir.resolve("tomcat"), 0);
        Connector connector = tomcat.getConnector();
        Context context = tomcat.addContext("/upload", Files.createDirectories(dir.resolve("docroot")).toString());
        TomcatTestServer.addContextXmlParameters(context, Map.of(
                Parameters.SECRET, SECRET, Parameters.STORAGE_DIR, storage.toString()));
        context.addApplicationListener(UploadConfigListener.class.getName());
        FilterDef filter = new FilterDef();
        filter.setFilterName("auth");
        filter.setFilterClass(HmacAuthFilter.class.getName());
        context.addFilterDef(filter);
        FilterMap everything = new FilterMap();
        everything.setFilterName("auth");
        everything.addURLPatternDecoded("/*");
        context.addFilterMap(everything);
        Tomcat.addServlet(context, "upload", UploadServlet.class.getName());
        context.addServletMappingDecoded("/files/*", "upload");
        tomcat.start();
        try {
            int port = connector.getLocalPort();
            Tokens tokens = new Tokens(SECRET);
            byte[] content = "behind /files/".getBytes(StandardCharsets.UTF_8);

            RawHttp.Response withPrefix = RawHttp.request("PUT", "/upload/files/4a771ac1/a.txt?v="
                    + tokens.sign(TokenProtocol.V, "files/4a771ac1/a.txt", content.length, null)).body(content).send(port);
            RawHttp.Response withoutPrefix = RawHttp.request("PUT", "/upload/files/4a771ac1/a.txt?v="
                    + tokens.sign(TokenProtocol.V, "4a771ac1/a.txt", content.length, null)).body(content).send(port);
            RawHttp.Response get = RawHttp.request("GET", "/upload/files/4a771ac1/a.txt").send(port);

            assertEquals(403, withPrefix.status(), withPrefix.text());
            assertEquals(201, withoutPrefix.status(), withoutPrefix.text());
            assertEquals(200, get.status());
            assertArrayEquals(content, get.body());
        } finally {
            tomcat.stop();
            tomcat.destroy();
        }
    }
}
