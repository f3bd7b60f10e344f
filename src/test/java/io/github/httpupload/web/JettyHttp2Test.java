package io.github.httpupload.web;

import io.github.httpupload.testsupport.JettyTestServer;
import io.github.httpupload.testsupport.TestServer;

import java.util.Map;

/** The HTTP/2 (h2c) contract on embedded Jetty 12 ee10 (HTTP2CServerConnectionFactory next to HTTP/1.1). */
class JettyHttp2Test extends Http2Contract {

    @Override
    TestServer startWithH2c(Map<String, String> contextParameters) throws Exception {
        return JettyTestServer.start(contextParameters, true, true);
    }
}
