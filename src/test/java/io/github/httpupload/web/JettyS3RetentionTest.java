package io.github.httpupload.web;

import io.github.httpupload.testsupport.JettyTestServer;
import io.github.httpupload.testsupport.StorageBackend;
import io.github.httpupload.testsupport.TestServer;

/** Expiry, tombstones and the sweeper's lifecycle on embedded Jetty 12 ee10, an S3 bucket (S3Proxy). */
class JettyS3RetentionTest extends RetentionContract {

    @Override
    TestServer.Factory container() {
        return JettyTestServer.factory();
    }

    @Override
    StorageBackend backend() {
        return StorageBackend.S3;
    }
}
