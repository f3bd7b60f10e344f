package io.github.httpupload.web;

import io.github.httpupload.testsupport.TestServer;
import io.github.httpupload.testsupport.TomcatTestServer;

/** {@code GET /healthz} on embedded Tomcat 10.1, local directory and S3 (S3Proxy). */
class TomcatHealthTest extends HealthContract {

    @Override
    TestServer.Factory container() {
        return TomcatTestServer.factory();
    }
}
