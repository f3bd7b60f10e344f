package io.github.httpupload.testsupport;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, byte for byte: the request target is sent exactly as written (no
 * client re-encodes it), headers are exactly the ones given, and the body can be cut short.
 */
public final class RawHttp {

    private static final int TIMEOUT_MILLIS = 30_000;

    private final String method;
    private final String target;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private InputStream body = InputStream.nullInputStream();

    private RawHttp(String method, String target) {
        this.method = method;
        this.target = target;
    }

    /** A request for {@code target}, sent verbatim (it must start with {@code /}). */
    public static RawHttp request(String method, String target) {
        return new RawHttp(method, target);
    }

    public RawHttp header(String name, Object value) {
        headers.put(name, String.valueOf(value));
        return this;
    }

    /** The body with a matching Content-Length header. */
    public RawHttp body(byte[] bytes) {
        header("Content-Length", bytes.length);
        body = new ByteArrayInputStream(bytes);
        return this;
    }

    /** A streamed body; set Content-Length yourself (it may announce more than is sent). */
    public RawHttp body(InputStream stream) {
        body = stream;
        return this;
    }

    /** Sends the request with {@code Connection: close} and reads the whole response. */
    public Response send(int port) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            out.write(head().getBytes(StandardCharsets.ISO_8859_1));
            try {
                body.transferTo(out);
                out.flush();
            } catch (IOException e) {
                // The server may answer and close before the body is sent (e.g. 413): read that answer.
            }
            return Response.read(socket.getInputStream(), method.equals("HEAD"));
        }
    }

    /** Sends the head and the first {@code bodyBytes} of the body, then closes the socket without reading. */
    public void sendAndAbort(int port, int bodyBytes) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = socket.getOutputStream();
            out.write(head().getBytes(StandardCharsets.ISO_8859_1));
            out.write(body.readNBytes(bodyBytes));
            out.flush();
        }
    }

    private String head() {
        StringBuilder head = new StringBuilder();
        head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
        head.append("Host: 127.0.0.1\r\n");
        headers.forEach((name, value) -> head.append(name).append(": ").append(value).append("\r\n"));
        head.append("Connection: close\r\n\r\n");
        return head.toString();
    }

    /** A response: status, headers (names lower-cased) and the decoded body. */
    public record Response(int status, Map<String, List<String>> headers, byte[] body) {

        public String header(String name) {
            List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
            return values == null ? null : values.get(0);
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        /**
         * Reads one response (interim 1xx answers skipped), its body delimited the way HTTP says
         * (Content-Length, chunked, or the end of the connection) — a server may keep the
         * connection open after answering. Anything that is not an HTTP/1.x response is an error.
         */
        public static Response read(InputStream in, boolean head) throws IOException {
            while (true) {
                ByteArrayOutputStream headBytes = new ByteArrayOutputStream();
                int matched = 0;
                while (matched < 4) {
                    int b = in.read();
                    if (b < 0) {
                        throw new IOException("connection closed before a complete response head: "
                                + headBytes.toString(StandardCharsets.ISO_8859_1));
                    }
                    headBytes.write(b);
                    matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
                }
                String[] lines = headBytes.toString(StandardCharsets.ISO_8859_1).trim().split("\r\n");
                String[] statusLine = lines[0].split(" ");
                if (statusLine.length < 2 || !statusLine[0].startsWith("HTTP/")) {
                    throw new IOException("not an HTTP response: " + lines[0]);
                }
                int status = Integer.parseInt(statusLine[1]);
                Map<String, List<String>> headers = new LinkedHashMap<>();
                for (int i = 1; i < lines.length; i++) {
                    int colon = lines[i].indexOf(':');
                    if (colon > 0) {
                        headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                                .add(lines[i].substring(colon + 1).trim());
                    }
                }
                if (status >= 100 && status < 200) {
                    continue;
                }
                byte[] body;
                List<String> length = headers.get("content-length");
                List<String> encoding = headers.get("transfer-encoding");
                if (head || status == 204 || status == 304) {
                    body = new byte[0];
                } else if (encoding != null && encoding.get(0).equalsIgnoreCase("chunked")) {
                    body = dechunk(in);
                } else if (length != null) {
                    body = in.readNBytes(Integer.parseInt(length.get(0)));
                } else {
                    body = in.readAllBytes();
                }
                return new Response(status, headers, body);
            }
        }

        private static byte[] dechunk(InputStream in) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            while (true) {
                int size = Integer.parseInt(line(in).split(";")[0].trim(), 16);
                if (size == 0) {
                    while (!line(in).isEmpty()) {
                        // trailers
                    }
                    return out.toByteArray();
                }
                out.write(in.readNBytes(size));
                line(in);
            }
        }

        private static String line(InputStream in) throws IOException {
            StringBuilder line = new StringBuilder();
            for (int b = in.read(); b >= 0 && b != '\n'; b = in.read()) {
                if (b != '\r') {
                    line.append((char) b);
                }
            }
            return line.toString();
        }
    }
}
