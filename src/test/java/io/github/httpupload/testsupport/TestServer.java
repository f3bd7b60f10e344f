package io.github.httpupload.testsupport;

import java.util.Map;

/** A container running the upload service on 127.0.0.1 under the context path {@value #CONTEXT}. */
public interface TestServer extends AutoCloseable {

    String CONTEXT = "/upload";

    int port();

    /** Whether the webapp started; false when its configuration was refused. */
    boolean started();

    /** What the container reported about a failed start (Tomcat: its log; Jetty: the exception). */
    String startFailure();

    /** Stops the webapp and starts it again in the same container: what a redeploy does. */
    void restart() throws Exception;

    @Override
    void close() throws Exception;

    /** Starts one kind of container with context parameters, with or without the filters (CORS, then token). */
    interface Factory {
        TestServer start(Map<String, String> contextParameters, boolean withFilter) throws Exception;
    }
}
