package io.github.httpupload.web;

import io.github.httpupload.testsupport.TestServer;
import io.github.httpupload.testsupport.TomcatTestServer;

import java.util.Map;

/** The HTTP/2 (h2c) contract on embedded Tomcat 10.1 (Http2Protocol as the connector's upgrade protocol). */
class TomcatHttp2Test extends Http2Contract {

    @Override
    TestServer startWithH2c(Map<String, String> contextParameters) throws Exception {
        return TomcatTestServer.start(contextParameters, true, true);
    }
}
