package io.github.httpupload.dev;

import io.github.httpupload.testsupport.TomcatTestServer;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.startup.Tomcat;

import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;

/**
 * The packaged WAR on an embedded Tomcat 10.1, for the CI interop run ({@code interop/run.sh}):
 * <pre>
 *   WarServer &lt;war&gt; &lt;context-parameters.properties&gt; &lt;port-file&gt; [tomcat-base-dir]
 * </pre>
 * The WAR is deployed at {@code /upload} on 127.0.0.1, on a free port, configured only by context
 * parameters (as an operator's context.xml does). The parameters come from a properties file, read
 * as UTF-8, so a value can hold a newline ({@code \n}): {@code httpupload.secret} holds the current
 * and the previous secret that way. Once the context has started, the port is written to the port
 * file; if the context does not start, the JVM exits with status 1.
 */
public final class WarServer {

    private WarServer() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 3 || args.length > 4) {
            System.err.println("usage: WarServer <war> <context-parameters.properties> <port-file> [tomcat-base-dir]");
            System.exit(2);
        }
        Path war = Path.of(args[0]).toAbsolutePath();
        Path portFile = Path.of(args[2]).toAbsolutePath();
        Path base = args.length == 4 ? Files.createDirectories(Path.of(args[3])) : Files.createTempDirectory("war-server");
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

        Tomcat tomcat = TomcatTestServer.embedded(base, 0);
        // Tomcat sends "100 Continue" only when the servlet reads the body, i.e. after the token
        // was checked: the setting the README recommends (docs/deploying.md#connector).
        tomcat.getConnector().setProperty("continueResponseTiming", "onRead");
        // No built-in default web.xml: its JSP servlet needs Jasper, which is not on this classpath
        // (a SEVERE at every start); the WAR maps /* itself, so the default servlet is not needed either.
        tomcat.setAddDefaultWebXmlToWebapp(false);
        tomcat.getHost().setAppBase(Files.createDirectories(base.resolve("webapps")).toString());
        Context context = tomcat.addWebapp("/upload", war.toString());
        // Inside Maven (exec:java) Tomcat and the Servlet API are in its class loader, not the system one.
        context.setParentClassLoader(WarServer.class.getClassLoader());
        TomcatTestServer.addContextXmlParameters(context, parameters);
        tomcat.start();

        if (context.getState() != LifecycleState.STARTED) {
            System.err.println("WarServer: context /upload did not start (state " + context.getState() + "); see the log above");
            tomcat.stop();
            tomcat.destroy();
            System.exit(1);
        }
        int port = tomcat.getConnector().getLocalPort();
        // Written whole, then renamed: whoever polls for the file never reads half a port number.
        Path partial = portFile.resolveSibling(portFile.getFileName() + ".partial");
        Files.writeString(partial, port + "\n", StandardCharsets.US_ASCII);
        Files.move(partial, portFile, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        System.out.println("WarServer: " + war.getFileName() + " at http://127.0.0.1:" + port + "/upload/ with parameters " + parameters.keySet());
        System.out.flush();

        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                tomcat.stop();
                tomcat.destroy();
            } catch (Exception e) {
                // exiting anyway
            }
        }));
        new CountDownLatch(1).await();
    }
}
