package io.github.httpupload.web;

import io.github.httpupload.testsupport.TestServer;
import io.github.httpupload.testsupport.JettyTestServer;

/** Store and client faults under the S3 backend on embedded Jetty 12. */
class JettyS3FaultsTest extends S3FaultsContract {

    @Override
    TestServer.Factory container() {
        return JettyTestServer.factory();
    }
}
