package io.github.httpupload.web;

import io.github.httpupload.testsupport.JettyTestServer;
import io.github.httpupload.testsupport.RawHttp;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Slot-path extraction under every servlet mapping on embedded Jetty 12 (ee10), configured as JettyTestServer is. */
class JettySlotPathMappingTest extends SlotPathMappingContract {

    @Override
    ProbeServer start(List<String> patterns) throws Exception {
        return start(patterns, true);
    }

    private static ProbeServer start(List<String> patterns, boolean decodeAmbiguousURIs) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(JettyTestServer.httpConfiguration()));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(CONTEXT);
        context.getServletHandler().setDecodeAmbiguousURIs(decodeAmbiguousURIs);
        ServletHolder probe = new ServletHolder("probe", new Probe());
        patterns.forEach(pattern -> context.addServlet(probe, pattern));
        server.setHandler(context);
        server.start();
        return new ProbeServer() {
            @Override
            public int port() {
                return connector.getLocalPort();
            }

            @Override
            public void close() throws Exception {
                server.stop();
            }
        };
    }

    @Override
    boolean refusesEncodedDotSegments() {
        return true;
    }

    /**
     * An operator who allows AMBIGUOUS_PATH_ENCODING but forgets setDecodeAmbiguousURIs(true):
     * Jetty then throws from getPathInfo() and getServletPath() for a {@code %25}. That is a bad
     * request the service must answer itself. The status alone proves nothing: Jetty's exception
     * (HttpException.IllegalArgumentException) already makes its own HTML 400, so the answer must
     * be the probe's.
     */
    @Test
    void withoutDecodeAmbiguousURIsAPercentInTheNameIsRefusedByRequestSlotPath() throws Exception {
        try (ProbeServer server = start(List.of("/*"), false)) {
            RawHttp.Response response = RawHttp.request("GET", "/ctx/4a771ac1/100%25.txt").send(server.port());

            assertEquals(400, response.status(), response.text());
            assertTrue(response.text().startsWith(Probe.REFUSED), response.text());
        }
    }
}
