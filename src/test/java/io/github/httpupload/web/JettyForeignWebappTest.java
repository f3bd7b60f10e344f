package io.github.httpupload.web;

import io.github.httpupload.testsupport.JettyTestServer;
import io.github.httpupload.testsupport.LogCapture;
import jakarta.servlet.DispatcherType;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.util.EnumSet;
import java.util.logging.Level;

/** {@link ForeignWebappContract} on embedded Jetty 12 ee10. */
class JettyForeignWebappTest extends ForeignWebappContract {

    @Override
    Deployed deploy(Webapp webapp) throws Exception {
        Server server = new Server();
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(JettyTestServer.httpConfiguration()));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        ServletContextHandler context = new ServletContextHandler(CONTEXT);
        context.getServletHandler().setDecodeAmbiguousURIs(true);
        if (webapp.classLoader() != null) {
            context.setClassLoader(webapp.classLoader());
        }
        webapp.contextParameters().forEach(context::setInitParameter);
        FilterHolder filter = new FilterHolder();
        filter.setName("auth");
        filter.setClassName(HmacAuthFilter.class.getName());
        filter.setInitParameters(webapp.filterInitParameters());
        context.addFilter(filter, "/*", EnumSet.of(DispatcherType.REQUEST));
        ServletHolder own = new ServletHolder();
        own.setName("own");
        own.setClassName(OwnServlet.class.getName());
        context.addServlet(own, "/own/*");
        ServletHolder files = new ServletHolder();
        files.setName("files");
        files.setClassName(UploadServlet.class.getName());
        files.setInitOrder(1);
        context.addServlet(files, "/files/*");
        server.setHandler(context);
        StringBuilder log = new StringBuilder();
        try (LogCapture capture = new LogCapture(Level.INFO)) {
            try {
                server.start();
            } catch (Exception e) {
                for (Throwable t = e; t != null; t = t.getCause()) {
                    log.append(t).append('\n'); // Jetty reports a refused start by failing start()
                }
            }
            log.append(capture.text());
        }
        return new Deployed() {
            @Override
            public int port() {
                return connector.getLocalPort();
            }

            @Override
            public boolean started() {
                return context.isAvailable() && context.isStarted();
            }

            @Override
            public String log() {
                return log.toString();
            }

            @Override
            public void close() throws Exception {
                server.stop();
            }
        };
    }
}
