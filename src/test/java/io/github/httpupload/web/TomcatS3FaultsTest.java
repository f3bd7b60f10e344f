package io.github.httpupload.web;

import io.github.httpupload.testsupport.TestServer;
import io.github.httpupload.testsupport.TomcatTestServer;

/** Store and client faults under the S3 backend on embedded Tomcat 10.1. */
class TomcatS3FaultsTest extends S3FaultsContract {

    @Override
    TestServer.Factory container() {
        return TomcatTestServer.factory();
    }
}
