package io.github.httpupload.web;

import io.github.httpupload.testsupport.TomcatTestServer;
import io.github.httpupload.testsupport.StorageBackend;
import io.github.httpupload.testsupport.TestServer;

/** Bearer, DELETE and secret rotation on embedded Tomcat 10.1, an S3 bucket (S3Proxy). */
class TomcatS3XmppServersTest extends XmppServersContract {

    @Override
    TestServer.Factory container() {
        return TomcatTestServer.factory();
    }

    @Override
    StorageBackend backend() {
        return StorageBackend.S3;
    }
}
