package io.github.httpupload.web;

import io.github.httpupload.testsupport.JettyTestServer;
import io.github.httpupload.testsupport.TestServer;

/** {@code GET /healthz} on embedded Jetty 12, local directory and S3 (S3Proxy). */
class JettyHealthTest extends HealthContract {

    @Override
    TestServer.Factory container() {
        return JettyTestServer.factory();
    }
}
