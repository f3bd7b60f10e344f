package io.github.httpupload.web;

import io.github.httpupload.testsupport.TestServer;
import io.github.httpupload.testsupport.TomcatTestServer;

/** The HTTP contract on embedded Tomcat 10.1, the local directory. */
class TomcatUploadTest extends LocalUploadContract {

    @Override
    TestServer.Factory container() {
        return TomcatTestServer.factory();
    }

    @Override
    boolean offersSendfile() {
        return true;
    }
}
