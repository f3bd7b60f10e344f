package io.github.httpupload.dev;

import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.http.UriCompliance;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;

/**
 * The packaged WAR on a standalone-style Jetty 12 (ee10), for {@code bench/run.sh}'s "ours on Jetty"
 * rows; the Jetty counterpart of {@link WarServer}:
 * <pre>
 *   JettyWarServer &lt;war&gt; &lt;context-parameters.properties&gt; &lt;port-file&gt; [base-dir]
 * </pre>
 * The WAR is deployed at {@code /upload} on 127.0.0.1, on a free port, by a {@link WebAppContext}
 * (what Jetty's deployer makes of an operator's {@code webapps/upload.xml}), with Jetty's default
 * descriptor ({@code webdefault-ee10.xml}). The properties (read as UTF-8) become context init
 * parameters, as that context XML's {@code setInitParameter} calls do. The WAR is unpacked under
 * the base directory. Once the context is available, the port is written to the port file
 * (atomically); if the context does not start, the JVM exits with status 1.
 * <p>
 * Jetty stays at its defaults except for what an operator of this WAR sets: the three settings of
 * README.md's "Jetty 12" section (URI compliance with {@code AMBIGUOUS_PATH_ENCODING},
 * {@code decodeAmbiguousURIs}, a case-sensitive header cache) and no {@code Server} header. No
 * request log is configured (Jetty has none by default).
 * <p>
 * Run it with this project's test classes and test-scope dependency jars on the class path, but
 * not {@code target/classes}: the WAR brings its own classes, and the webapp class loader (child
 * first) loads them from the WAR.
 */
public final class JettyWarServer {

    private JettyWarServer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3 || args.length > 4) {
            System.err.println("usage: JettyWarServer <war> <context-parameters.properties> <port-file> [base-dir]");
            System.exit(2);
        }
        Path war = Path.of(args[0]).toAbsolutePath();
        Path portFile = Path.of(args[2]).toAbsolutePath();
        Path base = args.length == 4 ? Files.createDirectories(Path.of(args[3])) : Files.createTempDirectory("jetty-war-server");
        Map<String, String> parameters = new TreeMap<>();
        try (Reader in = Files.newBufferedReader(Path.of(args[1]), StandardCharsets.UTF_8)) {
            Properties properties = new Properties();
            properties.load(in);
            properties.stringPropertyNames().forEach(name -> parameters.put(name, properties.getProperty(name)));
        }
        if (!Files.isRegularFile(war)) {
            System.err.println("no WAR at " + war);
            System.exit(2);
        }

        Server server = new Server();   // Jetty's default QueuedThreadPool (8 to 200 threads)
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        // README.md "Jetty 12": file names with %25, and the signed Content-Type kept byte for byte.
        http.setUriCompliance(UriCompliance.from("DEFAULT,AMBIGUOUS_PATH_ENCODING"));
        http.setHeaderCacheCaseSensitive(true);
        ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);

        WebAppContext context = new WebAppContext();
        context.setContextPath("/upload");
        context.setWar(war.toString());
        context.setTempDirectory(Files.createDirectories(base.resolve("work")).toFile());
        context.getServletHandler().setDecodeAmbiguousURIs(true);
        parameters.forEach(context::setInitParameter);
        server.setHandler(context);
        server.setStopAtShutdown(true);  // SIGTERM stops the context, so the webapp closes its storage

        Throwable failure = null;
        try {
            server.start();
        } catch (Exception e) {
            failure = e;
        }
        // By default a WebAppContext whose listener or servlet fails is marked unavailable and
        // server.start() returns normally: the cause is then only in getUnavailableException().
        if (failure == null && !context.isAvailable()) {
            failure = context.getUnavailableException();
        }
        if (failure != null || !context.isAvailable()) {
            // No SLF4J provider is on this class path, so Jetty's own log is silent: print the cause here.
            System.err.println("JettyWarServer: context /upload did not start");
            for (Throwable t = failure; t != null; t = t.getCause()) {
                System.err.println("  " + t);
            }
            try {
                server.stop();
            } finally {
                System.exit(1);
            }
        }
        int port = connector.getLocalPort();
        // Written whole, then renamed: whoever polls for the file never reads half a port number.
        Path partial = portFile.resolveSibling(portFile.getFileName() + ".partial");
        Files.writeString(partial, port + "\n", StandardCharsets.US_ASCII);
        Files.move(partial, portFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("JettyWarServer: " + war.getFileName() + " on Jetty " + Server.getVersion()
                + " at http://127.0.0.1:" + port + "/upload/ with parameters " + parameters.keySet());
        System.out.flush();
        server.join();
    }
}
