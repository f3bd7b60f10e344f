package io.github.httpupload.testsupport;

import io.github.httpupload.web.HealthServlet;
import io.github.httpupload.web.HmacAuthFilter;
import io.github.httpupload.web.UploadConfigListener;
import io.github.httpupload.web.UploadCorsFilter;
import io.github.httpupload.web.UploadServlet;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.util.EnumSet;
import java.util.Map;

/**
 * Embedded Jetty 12 (ee10) wired like the WAR's web.xml, with the two settings the README tells
 * Jetty operators to make: a URI compliance that lets file names contain {@code %}, and a
 * case-sensitive header cache so that the signed Content-Type arrives exactly as sent.
 */
public final class JettyTestServer implements TestServer {

    private final Server server;
    private final ServletContextHandler context;
    private final ServerConnector connector;

    private final Exception startFailure;

    private JettyTestServer(Server server, ServletContextHandler context, ServerConnector connector, Exception startFailure) {
        this.server = server;
        this.context = context;
        this.connector = connector;
        this.startFailure = startFailure;
    }

    public static TestServer.Factory factory() {
        return JettyTestServer::start;
    }

    public static JettyTestServer start(Map<String, String> contextParameters, boolean withFilter) throws Exception {
        return start(contextParameters, withFilter, false);
    }

    /** With {@code h2c}, the connector also speaks cleartext HTTP/2: by {@code Upgrade: h2c} and by prior knowledge. */
    public static JettyTestServer start(Map<String, String> contextParameters, boolean withFilter, boolean h2c) throws Exception {
        return start(contextParameters, withFilter, h2c, CONTEXT);
    }

    /** The webapp under {@code contextPath} instead of {@value #CONTEXT} ("" for the root context). */
    public static JettyTestServer start(Map<String, String> contextParameters, boolean withFilter, String contextPath)
            throws Exception {
        return start(contextParameters, withFilter, false, contextPath);
    }

    private static JettyTestServer start(Map<String, String> contextParameters, boolean withFilter, boolean h2c,
                                         String contextPath) throws Exception {
        Server server = new Server();
        HttpConfiguration http = httpConfiguration();
        // HTTP/1.1 stays the default protocol; next to it, h2c takes over upgrades and the HTTP/2 preface.
        ServerConnector connector = h2c
                ? new ServerConnector(server, new HttpConnectionFactory(http), new HTTP2CServerConnectionFactory(http))
                : new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);

        ServletContextHandler context = new ServletContextHandler(contextPath.isEmpty() ? "/" : contextPath);
        context.getServletHandler().setDecodeAmbiguousURIs(true);
        contextParameters.forEach(context::setInitParameter);
        context.addEventListener(new UploadConfigListener());
        if (withFilter) {
            context.addFilter(UploadCorsFilter.class, "/*", EnumSet.of(DispatcherType.REQUEST));
            context.addFilter(HmacAuthFilter.class, "/*", EnumSet.of(DispatcherType.REQUEST));
        }
        ServletHolder servlet = context.addServlet(UploadServlet.class, "/*");
        servlet.setInitOrder(1);
        context.addServlet(HealthServlet.class, "/healthz");
        server.setHandler(context);
        Exception startFailure = null;
        try {
            server.start();
        } catch (Exception e) {
            startFailure = e; // a refused configuration: Jetty reports it by failing start()
        }
        return new JettyTestServer(server, context, connector, startFailure);
    }

    /**
     * The connector settings the README asks of Jetty operators (the context must also
     * {@code setDecodeAmbiguousURIs(true)}, or {@code getPathInfo()} throws for a {@code %25}).
     */
    public static HttpConfiguration httpConfiguration() {
        HttpConfiguration http = new HttpConfiguration();
        http.setUriCompliance(UriCompliance.from("DEFAULT,AMBIGUOUS_PATH_ENCODING"));
        // Jetty's header cache otherwise hands back a cached value that differs in case from what
        // was sent (e.g. "charset=iso-8859-1" for "charset=ISO-8859-1"), and v2 signs the exact value.
        http.setHeaderCacheCaseSensitive(true);
        return http;
    }

    @Override
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public boolean started() {
        return context.isAvailable() && context.isStarted();
    }

    /** Why the start failed, with every cause, as Jetty reported it; empty when it started. */
    @Override
    public String startFailure() {
        StringBuilder text = new StringBuilder();
        for (Throwable t = startFailure; t != null; t = t.getCause()) {
            text.append(t).append('\n');
        }
        return text.toString();
    }

    @Override
    public void restart() throws Exception {
        context.stop();
        context.start();
    }

    @Override
    public void close() throws Exception {
        server.stop();
    }
}
