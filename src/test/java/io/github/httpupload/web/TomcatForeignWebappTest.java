package io.github.httpupload.web;

import io.github.httpupload.testsupport.LogCapture;
import io.github.httpupload.testsupport.TempDirs;
import io.github.httpupload.testsupport.TomcatTestServer;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.Wrapper;
import org.apache.catalina.startup.Tomcat;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Level;

/** {@link ForeignWebappContract} on embedded Tomcat 10.1. */
class TomcatForeignWebappTest extends ForeignWebappContract {

    @Override
    Deployed deploy(Webapp webapp) throws Exception {
        Path base = Files.createTempDirectory("tomcat-foreign");
        Tomcat tomcat = TomcatTestServer.embedded(base, 0);
        Context context = tomcat.addContext(CONTEXT, Files.createDirectories(base.resolve("docroot")).toString());
        if (webapp.classLoader() != null) {
            context.setParentClassLoader(webapp.classLoader());
        }
        TomcatTestServer.addContextXmlParameters(context, webapp.contextParameters());
        FilterDef filter = new FilterDef();
        filter.setFilterName("auth");
        filter.setFilterClass(HmacAuthFilter.class.getName());
        webapp.filterInitParameters().forEach(filter::addInitParameter);
        context.addFilterDef(filter);
        FilterMap everything = new FilterMap();
        everything.setFilterName("auth");
        everything.addURLPatternDecoded("/*");
        context.addFilterMap(everything);
        Tomcat.addServlet(context, "own", OwnServlet.class.getName());
        context.addServletMappingDecoded("/own/*", "own");
        Wrapper files = Tomcat.addServlet(context, "files", UploadServlet.class.getName());
        files.setLoadOnStartup(1);
        context.addServletMappingDecoded("/files/*", "files");
        String log;
        try (LogCapture capture = new LogCapture(Level.INFO)) {
            tomcat.start();
            log = capture.text();
        }
        return new Deployed() {
            @Override
            public int port() {
                return tomcat.getConnector().getLocalPort();
            }

            @Override
            public boolean started() {
                return context.getState() == LifecycleState.STARTED;
            }

            @Override
            public String log() {
                return log;
            }

            @Override
            public void close() throws Exception {
                tomcat.stop();
                tomcat.destroy();
                TempDirs.delete(base);
            }
        };
    }
}
