package io.github.httpupload.web;

import io.github.httpupload.testsupport.TomcatTestServer;
import io.github.httpupload.testsupport.StorageBackend;
import io.github.httpupload.testsupport.TestServer;

/** Bearer, DELETE and secret rotation on embedded Tomcat 10.1, the local directory. */
class TomcatXmppServersTest extends XmppServersContract {

    @Override
    TestServer.Factory container() {
        return TomcatTestServer.factory();
    }

    @Override
    StorageBackend backend() {
        return StorageBackend.LOCAL;
    }
}
