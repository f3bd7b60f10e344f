package io.github.httpupload.testsupport;

import io.github.httpupload.web.HealthServlet;
import io.github.httpupload.web.HmacAuthFilter;
import io.github.httpupload.web.UploadConfigListener;
import io.github.httpupload.web.UploadCorsFilter;
import io.github.httpupload.web.UploadServlet;
import org.apache.catalina.Context;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.LifecycleEvent;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.Tomcat;
import org.apache.coyote.http2.Http2Protocol;
import org.apache.tomcat.util.descriptor.web.ApplicationParameter;
import org.apache.tomcat.util.descriptor.web.FilterDef;
import org.apache.tomcat.util.descriptor.web.FilterMap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Embedded Tomcat 10.1 wired like the WAR's web.xml, configured the way an operator's context.xml
 * does it: {@code <Parameter>}s ({@link Context#addApplicationParameter}).
 */
public final class TomcatTestServer implements TestServer {

    private final Tomcat tomcat;
    private Context context;
    private final Connector connector;
    private final Map<String, String> contextParameters;
    private final boolean withFilter;
    private final String contextPath;

    private final String startLog;

    private final Path base;

    private TomcatTestServer(Path base, Tomcat tomcat, Context context, Connector connector, String startLog,
                             Map<String, String> contextParameters, boolean withFilter, String contextPath) {
        this.contextParameters = Map.copyOf(contextParameters);
        this.withFilter = withFilter;
        this.contextPath = contextPath;
        this.base = base;
        this.tomcat = tomcat;
        this.context = context;
        this.connector = connector;
        this.startLog = startLog;
    }

    public static TestServer.Factory factory() {
        return TomcatTestServer::start;
    }

    public static TomcatTestServer start(Map<String, String> contextParameters, boolean withFilter) throws Exception {
        return start(contextParameters, withFilter, 0);
    }

    public static TomcatTestServer start(Map<String, String> contextParameters, boolean withFilter, int port) throws Exception {
        return start(contextParameters, withFilter, port, false);
    }

    /** With {@code h2c}, the connector also speaks cleartext HTTP/2: by {@code Upgrade: h2c} and by prior knowledge. */
    public static TomcatTestServer start(Map<String, String> contextParameters, boolean withFilter, boolean h2c) throws Exception {
        return start(contextParameters, withFilter, 0, h2c);
    }

    /** The webapp under {@code contextPath} instead of {@value #CONTEXT} ("" for the root context). */
    public static TomcatTestServer start(Map<String, String> contextParameters, boolean withFilter, String contextPath)
            throws Exception {
        return start(contextParameters, withFilter, 0, false, contextPath);
    }

    private static TomcatTestServer start(Map<String, String> contextParameters, boolean withFilter, int port,
                                          boolean h2c) throws Exception {
        return start(contextParameters, withFilter, port, h2c, CONTEXT);
    }

    private static TomcatTestServer start(Map<String, String> contextParameters, boolean withFilter, int port,
                                          boolean h2c, String contextPath) throws Exception {
        Path base = Files.createTempDirectory("tomcat");
        Tomcat tomcat = embedded(base, port);
        Connector connector = tomcat.getConnector();
        if (h2c) {
            connector.addUpgradeProtocol(new Http2Protocol());
        }
        // Tomcat reports a refused configuration only in its log, so the start is logged to memory too.
        try (LogCapture log = new LogCapture(java.util.logging.Level.INFO)) {
            Context context = addUploadContext(tomcat, base, contextParameters, withFilter, contextPath);
            tomcat.start();
            return new TomcatTestServer(base, tomcat, context, connector, log.text(), contextParameters, withFilter, contextPath);
        }
    }

    /**
     * The webapp, wired like the WAR's web.xml. It is added to the host only when complete: a
     * running host starts a child the moment it is added.
     */
    private static Context addUploadContext(Tomcat tomcat, Path base, Map<String, String> contextParameters,
                                            boolean withFilter, String contextPath) throws IOException {
        StandardContext context = new StandardContext();
        context.setName(contextPath);
        context.setPath(contextPath);
        context.setDocBase(Files.createDirectories(base.resolve("docroot")).toString());
        context.addLifecycleListener(new Tomcat.FixContextListener());
        context.addLifecycleListener(TomcatTestServer::addWebXmlComponents);
        // Under `mvn exec:java` our classes live in Maven's class loader, not the system one.
        context.setParentClassLoader(TomcatTestServer.class.getClassLoader());
        addContextXmlParameters(context, contextParameters);
        if (withFilter) { // filter definitions outlive a stop; the listener and the servlet do not
            addFilter(context, UploadCorsFilter.class);
            addFilter(context, HmacAuthFilter.class);
        }
        tomcat.getHost().addChild(context);
        return context;
    }

    /**
     * The listener and the servlet, added at every start as ContextConfig adds web.xml's: a stop
     * clears them (StandardContext.resetContext), so that {@link Context#reload()} works too.
     */
    private static void addWebXmlComponents(LifecycleEvent event) {
        if (!Lifecycle.CONFIGURE_START_EVENT.equals(event.getType())) {
            return;
        }
        Context context = (Context) event.getLifecycle();
        context.addApplicationListener(UploadConfigListener.class.getName());
        Wrapper servlet = Tomcat.addServlet(context, "UploadServlet", UploadServlet.class.getName());
        servlet.setLoadOnStartup(1);
        context.addServletMappingDecoded("/*", "UploadServlet");
        Tomcat.addServlet(context, "HealthServlet", HealthServlet.class.getName());
        context.addServletMappingDecoded("/healthz", "HealthServlet");
    }

    /** A Tomcat with its base in {@code base} and one connector on 127.0.0.1 ({@code port} 0: any free port). */
    public static Tomcat embedded(Path base, int port) {
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(base.toString());
        Connector connector = new Connector();
        connector.setPort(port);
        connector.setProperty("address", "127.0.0.1");
        tomcat.setConnector(connector);
        return tomcat;
    }

    private static void addFilter(Context context, Class<?> filterClass) {
        FilterDef filter = new FilterDef();
        filter.setFilterName(filterClass.getSimpleName());
        filter.setFilterClass(filterClass.getName());
        context.addFilterDef(filter);
        FilterMap mapping = new FilterMap();
        mapping.setFilterName(filterClass.getSimpleName());
        mapping.addURLPatternDecoded("/*");
        context.addFilterMap(mapping);
    }

    /** What {@code <Parameter name=".." value=".." override="false"/>} in a context.xml does. */
    public static void addContextXmlParameters(Context context, Map<String, String> parameters) {
        parameters.forEach((name, value) -> {
            ApplicationParameter parameter = new ApplicationParameter();
            parameter.setName(name);
            parameter.setValue(value);
            parameter.setOverride(false);
            context.addApplicationParameter(parameter);
        });
    }

    @Override
    public int port() {
        return connector.getLocalPort();
    }

    @Override
    public boolean started() {
        return context.getState() == LifecycleState.STARTED;
    }

    /** Everything logged while the container started. */
    @Override
    public String startFailure() {
        return started() ? "" : startLog;
    }

    /** Everything logged while the container started, also after a successful start. */
    public String startLog() {
        return startLog;
    }

    /** Undeploys the webapp and deploys a new one with the same configuration, as a redeploy does. */
    @Override
    public void restart() throws Exception {
        tomcat.getHost().removeChild(context);
        context = addUploadContext(tomcat, base, contextParameters, withFilter, contextPath);
    }

    /** {@link Context#reload()}: what the manager's Reload button and {@code reloadable="true"} do. */
    public void reload() {
        context.reload();
    }

    @Override
    public void close() throws Exception {
        tomcat.stop();
        tomcat.destroy();
        TempDirs.delete(base);
    }
}
