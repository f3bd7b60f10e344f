package io.github.httpupload.dev;

import io.github.httpupload.auth.TokenProtocol;
import io.github.httpupload.config.Parameters;
import io.github.httpupload.testsupport.TestServer;
import io.github.httpupload.testsupport.Tokens;
import io.github.httpupload.testsupport.TomcatTestServer;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The README's "run it locally" command: the service on an embedded Tomcat at
 * {@code http://127.0.0.1:8080/upload/}, files under {@code target/dev-storage}, the secret from
 * {@code HTTPUPLOAD_SECRET} or a fresh development secret that is printed. Also used by tests that
 * need the service in a separate JVM ({@code -Dhttpupload.dev.port=0} picks a free port).
 */
public final class DevServer {

    public static final String PORT_LINE = "http-upload-servlet listening on port ";

    private DevServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = Integer.getInteger("httpupload.dev.port", 8080);
        Path storage = Path.of(System.getProperty("httpupload.dev.storage", "target/dev-storage")).toAbsolutePath();
        String secret = System.getenv("HTTPUPLOAD_SECRET");
        boolean generated = secret == null || secret.isEmpty();
        if (generated) {
            byte[] random = new byte[16];
            new SecureRandom().nextBytes(random);
            secret = HexFormat.of().formatHex(random);
        }
        Map<String, String> parameters = new HashMap<>(Map.of(
                Parameters.SECRET, secret,
                Parameters.STORAGE_DIR, storage.toString()));
        String maxFileSize = System.getProperty("httpupload.dev.maxFileSize");
        if (maxFileSize != null) {
            parameters.put(Parameters.MAX_FILE_SIZE, maxFileSize);
        }
        // Any other parameter may come as a system property of its name (tests: -Dhttpupload.storage=s3 ...).
        for (String name : Parameters.KNOWN) {
            String value = System.getProperty(name);
            if (value != null && !name.equals(Parameters.SECRET)) {
                parameters.put(name, value);
            }
        }
        if ("s3".equals(parameters.get(Parameters.STORAGE))) {
            parameters.remove(Parameters.STORAGE_DIR); // refused with s3: the files are in the bucket
        }

        TomcatTestServer server = TomcatTestServer.start(parameters, true, port);
        if (!server.started()) {
            System.err.println("http-upload-servlet did not start; see the log above");
            server.close();
            System.exit(1);
        }
        String base = "http://127.0.0.1:" + server.port() + TestServer.CONTEXT + "/";
        String token = new Tokens(secret).sign(TokenProtocol.V, "dev/hello.txt", 5, null);
        System.out.println(PORT_LINE + server.port());
        System.out.println("  base URL (http_upload_external_base_url): " + base);
        System.out.println("  storage: " + storage);
        System.out.println("  secret:  " + (generated ? secret + "  (generated; set HTTPUPLOAD_SECRET to choose one)" : "from HTTPUPLOAD_SECRET"));
        System.out.println("  try it:  curl -i -X PUT -H 'Content-Type: text/plain' --data-binary hello '" + base + "dev/hello.txt?v=" + token + "'");
        System.out.println("           curl -i " + base + "dev/hello.txt");
        System.out.flush();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            try {
                server.close();
            } catch (Exception e) {
                // exiting anyway
            }
        }));
        new CountDownLatch(1).await();
    }
}
