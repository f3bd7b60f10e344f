package io.github.httpupload.web;

import io.github.httpupload.testsupport.TempDirs;
import io.github.httpupload.testsupport.TomcatTestServer;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Slot-path extraction under every servlet mapping on embedded Tomcat 10.1. */
class TomcatSlotPathMappingTest extends SlotPathMappingContract {

    @Override
    ProbeServer start(List<String> patterns) throws Exception {
        Path base = Files.createTempDirectory("tomcat-mapping");
        Tomcat tomcat = TomcatTestServer.embedded(base, 0);
        Context context = tomcat.addContext(CONTEXT, Files.createDirectories(base.resolve("docroot")).toString());
        Tomcat.addServlet(context, "probe", new Probe());
        patterns.forEach(pattern -> context.addServletMappingDecoded(pattern, "probe"));
        tomcat.start();
        return new ProbeServer() {
            @Override
            public int port() {
                return tomcat.getConnector().getLocalPort();
            }

            @Override
            public void close() throws Exception {
                tomcat.stop();
                tomcat.destroy();
                TempDirs.delete(base);
            }
        };
    }

    @Override
    boolean refusesEncodedDotSegments() {
        return false;
    }
}
