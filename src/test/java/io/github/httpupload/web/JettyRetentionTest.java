package io.github.httpupload.web;

import io.github.httpupload.testsupport.JettyTestServer;
import io.github.httpupload.testsupport.TestServer;

/** Expiry, tombstones, storage limits and the sweeper's lifecycle on embedded Jetty 12 ee10, the local directory. */
class JettyRetentionTest extends LocalRetentionContract {

    @Override
    TestServer.Factory container() {
        return JettyTestServer.factory();
    }
}
