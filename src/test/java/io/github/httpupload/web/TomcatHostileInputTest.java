package io.github.httpupload.web;

import io.github.httpupload.testsupport.TestServer;
import io.github.httpupload.testsupport.TomcatTestServer;

/** The hostile-input corpus on embedded Tomcat 10.1. */
class TomcatHostileInputTest extends HostileInputContract {

    @Override
    TestServer.Factory container() {
        return TomcatTestServer.factory();
    }

    @Override
    boolean containerAnswersItself(String method, String target, int status) {
        return status == 501 && method.equals("CONNECT");
    }
}
