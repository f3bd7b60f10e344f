package io.github.httpupload.web;

import io.github.httpupload.testsupport.JettyTestServer;
import io.github.httpupload.testsupport.TestServer;

import java.util.Map;

/** The UploadMetrics MBean on embedded Jetty 12 ee10; a reload is stopping and starting the context. */
class JettyMetricsTest extends MetricsContract {

    @Override
    TestServer start(Map<String, String> contextParameters, String contextPath) throws Exception {
        return JettyTestServer.start(contextParameters, true, contextPath);
    }

    @Override
    void reload(TestServer server) throws Exception {
        server.restart(); // ServletContextHandler.stop() then start(), as a context XML redeploy does
    }

    @Override
    String hostKey() {
        return ""; // no virtual hosts configured: Jetty has no virtual server name
    }

    @Override
    boolean failedStartDestroysTheContext() {
        return false;
    }

    @Override
    String contextPath() {
        return "/metrics-jetty";
    }
}
