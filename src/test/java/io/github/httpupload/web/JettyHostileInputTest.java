package io.github.httpupload.web;

import io.github.httpupload.testsupport.JettyTestServer;
import io.github.httpupload.testsupport.TestServer;

/** The hostile-input corpus on embedded Jetty 12 (ee10). */
class JettyHostileInputTest extends HostileInputContract {

    @Override
    TestServer.Factory container() {
        return JettyTestServer.factory();
    }

    @Override
    boolean containerAnswersItself(String method, String target, int status) {
        return status == 505 && target.isEmpty();
    }
}
