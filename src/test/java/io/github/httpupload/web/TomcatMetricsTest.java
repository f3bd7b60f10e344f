package io.github.httpupload.web;

import io.github.httpupload.testsupport.TestServer;
import io.github.httpupload.testsupport.TomcatTestServer;

import java.util.Map;

/** The UploadMetrics MBean on embedded Tomcat 10.1; a reload is {@code Context.reload()}. */
class TomcatMetricsTest extends MetricsContract {

    @Override
    TestServer start(Map<String, String> contextParameters, String contextPath) throws Exception {
        return TomcatTestServer.start(contextParameters, true, contextPath);
    }

    @Override
    void reload(TestServer server) {
        ((TomcatTestServer) server).reload();
    }

    @Override
    String hostKey() {
        return "Tomcat/localhost"; // engine and host (an embedded Tomcat's engine is "Tomcat", a standalone one's "Catalina")
    }

    @Override
    boolean failedStartDestroysTheContext() {
        return true;
    }

    @Override
    String contextPath() {
        return "/metrics-tomcat";
    }
}
