package io.github.httpupload.web;

import io.github.httpupload.testsupport.TomcatTestServer;
import io.github.httpupload.testsupport.StorageBackend;
import io.github.httpupload.testsupport.TestServer;

/** Expiry, tombstones and the sweeper's lifecycle on embedded Tomcat 10.1, an S3 bucket (S3Proxy). */
class TomcatS3RetentionTest extends RetentionContract {

    @Override
    TestServer.Factory container() {
        return TomcatTestServer.factory();
    }

    @Override
    StorageBackend backend() {
        return StorageBackend.S3;
    }
}
