package io.github.httpupload.web;

import io.github.httpupload.testsupport.TomcatTestServer;
import io.github.httpupload.testsupport.TestServer;

/** Expiry, tombstones, storage limits and the sweeper's lifecycle on embedded Tomcat 10.1, the local directory. */
class TomcatRetentionTest extends LocalRetentionContract {

    @Override
    TestServer.Factory container() {
        return TomcatTestServer.factory();
    }
}
