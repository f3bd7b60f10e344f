package io.github.httpupload.testsupport;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The one stand-in the S3 tests use: a loopback "store" that answers 200 to every request and so
 * accepts a {@code PutObject} with {@code If-None-Match: *} over an existing key, as Garage,
 * OpenStack Swift's s3api or s3rver do. Only for proving that the start refuses such a store.
 */
public final class OverwritingS3Server implements AutoCloseable {

    private final HttpServer server;
    private final AtomicInteger puts = new AtomicInteger();

    public OverwritingS3Server() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            try (InputStream body = exchange.getRequestBody()) {
                body.transferTo(java.io.OutputStream.nullOutputStream());
            }
            if (exchange.getRequestMethod().equals("PUT")) {
                puts.incrementAndGet();
                exchange.getResponseHeaders().add("ETag", "\"" + puts.get() + "\"");
            }
            int status = exchange.getRequestMethod().equals("DELETE") ? 204 : 200;
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    /** How many PUTs it accepted. */
    public int puts() {
        return puts.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
