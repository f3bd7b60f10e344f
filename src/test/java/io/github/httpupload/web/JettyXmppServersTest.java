package io.github.httpupload.web;

import io.github.httpupload.testsupport.JettyTestServer;
import io.github.httpupload.testsupport.StorageBackend;
import io.github.httpupload.testsupport.TestServer;

/** Bearer, DELETE and secret rotation on embedded Jetty 12 ee10, the local directory. */
class JettyXmppServersTest extends XmppServersContract {

    @Override
    TestServer.Factory container() {
        return JettyTestServer.factory();
    }

    @Override
    StorageBackend backend() {
        return StorageBackend.LOCAL;
    }
}
