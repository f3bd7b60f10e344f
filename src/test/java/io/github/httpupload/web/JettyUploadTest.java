package io.github.httpupload.web;

import io.github.httpupload.testsupport.JettyTestServer;
import io.github.httpupload.testsupport.TestServer;

/** The HTTP contract on embedded Jetty 12 (ee10), the local directory. */
class JettyUploadTest extends LocalUploadContract {

    @Override
    TestServer.Factory container() {
        return JettyTestServer.factory();
    }

    @Override
    boolean offersSendfile() {
        return false;
    }
}
