package io.github.httpupload.web;

import io.github.httpupload.testsupport.JettyTestServer;
import io.github.httpupload.testsupport.TestServer;

/** Bearer, DELETE and secret rotation on embedded Jetty 12 ee10. */
class JettyXmppServersTest extends XmppServersContract {

    @Override
    TestServer.Factory container() {
        return JettyTestServer.factory();
    }
}
