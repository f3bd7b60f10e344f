package io.github.httpupload.web;

import io.github.httpupload.testsupport.JettyTestServer;
import io.github.httpupload.testsupport.StorageBackend;
import io.github.httpupload.testsupport.TestServer;

/** The HTTP contract on embedded Jetty 12 (ee10), an S3 bucket (S3Proxy). */
class JettyS3UploadTest extends UploadContract {

    @Override
    TestServer.Factory container() {
        return JettyTestServer.factory();
    }

    @Override
    StorageBackend backend() {
        return StorageBackend.S3;
    }
}
