package io.github.httpupload.web;

import io.github.httpupload.auth.InvalidSlotPathException;
import io.github.httpupload.auth.SlotPath;
import io.github.httpupload.auth.VerifiedDeletion;
import io.github.httpupload.auth.VerifiedUpload;
import io.github.httpupload.auth.TokenProtocol;
import io.github.httpupload.config.Parameters;
import io.github.httpupload.testsupport.Tokens;
import jakarta.servlet.FilterChain;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.ArgumentMatchers.anyLong;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.doAnswer;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

/**
 * {@link HmacAuthFilter}'s decisions, one table row per case, without a container: every refusal
 * it makes (status, headers, text body, the chain never called) and what it lets through (the
 * chain called once, with the verified attribute). In every row the filter must not touch the
 * body or the parameters: {@code getParameter} may make a container parse the body as a form.
 * HTTP itself is tested on real containers (the *Contract tests); this is the fast, exhaustive seam.
 */
class HmacAuthFilterDecisionTest {

    private static final String SECRET = "decision-table-secret";
    private static final String DELETE_SECRET = "decision-table-delete-secret";
    private static final Tokens TOKENS = new Tokens(SECRET);
    private static final Tokens OTHER_SECRET = new Tokens("not-the-shared-secret");

    private static final String SLOT = "4a771ac1";
    private static final String PATH = SLOT + "/file.txt";
    private static final long LENGTH = 11;
    private static final String TYPE = "text/plain";
    private static final long MAX_FILE_SIZE = 1000;

    // ---- configurations: context parameters, and the filter's own init-params layered over them ----

    /** The filter's init-params and the servlet context's parameters. */
    record Setup(String name, Map<String, String> filterParams, Map<String, String> contextParams) {
        @Override
        public String toString() {
            return name;
        }
    }

    private static final Map<String, String> CONTEXT = Map.of(
            Parameters.SECRET, SECRET, Parameters.MAX_FILE_SIZE, Long.toString(MAX_FILE_SIZE), Parameters.DELETE_SECRET, DELETE_SECRET);
    /** Every protocol (the default), a delete secret. */
    private static final Setup ALL = new Setup("all protocols", Map.of(), CONTEXT);
    private static final Setup V2_ONLY = new Setup("v2 only", Map.of(Parameters.PROTOCOLS, "v2"), CONTEXT);
    private static final Setup BEARER_ONLY = new Setup("bearer only", Map.of(Parameters.PROTOCOLS, "bearer"), CONTEXT);
    private static final Setup NO_DELETE = new Setup("no delete secret", Map.of(),
            Map.of(Parameters.SECRET, SECRET, Parameters.MAX_FILE_SIZE, Long.toString(MAX_FILE_SIZE)));

    // ---- a request ----

    /** What the mocked request answers; the servlet is mapped to {@code /upload/*} in the root context. */
    record Req(String protocol, String method, String uri, String query, long contentLength, Map<String, String> headers) {

        static Req put(String query) {
            return new Req("HTTP/1.1", "PUT", "/upload/" + PATH, query, LENGTH, Map.of("Content-Type", TYPE));
        }

        static Req put() {
            return put(null);
        }

        static Req method(String method, String query) {
            return new Req("HTTP/1.1", method, "/upload/" + PATH, query, -1, Map.of());
        }

        Req uri(String uri) {
            return new Req(protocol, method, uri, query, contentLength, headers);
        }

        Req length(long contentLength) {
            return new Req(protocol, method, uri, query, contentLength, headers);
        }

        Req protocol(String protocol) {
            return new Req(protocol, method, uri, query, contentLength, headers);
        }

        Req header(String name, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            if (value == null) {
                more.remove(name);
            } else {
                more.put(name, value);
            }
            return new Req(protocol, method, uri, query, contentLength, Map.copyOf(more));
        }
    }

    // ---- what should happen ----

    /**
     * A refusal ({@code status > 0}: these headers, a null value meaning "not set", and this text
     * body) or a pass ({@code status == 0}: the chain called once with exactly these request attributes).
     */
    record Expect(int status, String body, Map<String, String> headers, Map<String, Object> attributes) {

        /** The headers every row checks; each is expected to be set as given, or not at all. */
        static Expect refused(int status, String body) {
            Map<String, String> headers = new LinkedHashMap<>();
            headers.put("X-Content-Type-Options", "nosniff");
            headers.put("Connection", "close"); // HTTP/1.1: the body we refused is not read
            headers.put("WWW-Authenticate", null);
            return new Expect(status, body, headers, Map.of());
        }

        static Expect passes(String attribute, Object value) {
            return new Expect(0, null, Map.of(), Map.of(attribute, value));
        }

        /** Passed on without a look: no attribute, nothing on the response. */
        static Expect untouched() {
            return new Expect(0, null, Map.of(), Map.of());
        }

        Expect with(String header, String value) {
            Map<String, String> more = new LinkedHashMap<>(headers);
            more.put(header, value);
            return new Expect(status, body, more, attributes);
        }

        Expect without(String header) {
            return with(header, null);
        }

        boolean passes() {
            return status == 0;
        }
    }

    record Row(String name, Setup setup, Req request, Expect expect) {
        @Override
        public String toString() {
            return name + " [" + setup + "]";
        }
    }

    // ---- the table ----

    static List<Row> rows() {
        Instant now = Instant.now();
        Instant exp = now.plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.SECONDS);
        Instant expires = now.plus(1, ChronoUnit.DAYS).truncatedTo(ChronoUnit.SECONDS);
        String v = "v=" + TOKENS.sign(TokenProtocol.V, PATH, LENGTH, null);
        String v2 = "v2=" + TOKENS.sign(TokenProtocol.V2, PATH, LENGTH, TYPE);
        String token = "token=" + TOKENS.sign(TokenProtocol.TOKEN, PATH, LENGTH, TYPE);
        String bearer = "Bearer " + TOKENS.bearer(SLOT, "file.txt", LENGTH, TYPE, exp, expires);
        List<Row> rows = new ArrayList<>();

        // -- PUT refusals, in the order the filter checks --
        rows.add(new Row("400 dot segment", ALL, Req.put(v2).uri("/upload/" + SLOT + "/%2e%2e/file.txt"),
                Expect.refused(400, "Invalid upload path: dot segment in path")));
        rows.add(new Row("400 malformed escape", ALL, Req.put(v2).uri("/upload/" + SLOT + "/file%zz.txt"),
                Expect.refused(400, "Invalid upload path: malformed percent-escape")));
        rows.add(new Row("400 too few segments", ALL,
                Req.put("v2=" + TOKENS.sign(TokenProtocol.V2, "file.txt", LENGTH, TYPE)).uri("/upload/file.txt"),
                Expect.refused(400, "Invalid upload path: at least 2 segments expected")));
        rows.add(new Row("400 Content-Range on PUT", ALL, Req.put(v2).header("Content-Range", "bytes 0-10/20"),
                Expect.refused(400, "Content-Range is not supported in PUT")));
        rows.add(new Row("411 no Content-Length", ALL, Req.put(v2).length(-1),
                Expect.refused(411, "Content-Length required")));
        rows.add(new Row("413 larger than maxFileSize", ALL,
                Req.put("v2=" + TOKENS.sign(TokenProtocol.V2, PATH, MAX_FILE_SIZE + 1, TYPE)).length(MAX_FILE_SIZE + 1),
                Expect.refused(413, "File too large: the limit is " + MAX_FILE_SIZE + " bytes")));
        rows.add(new Row("403 missing token, Bearer also offered", ALL, Req.put(),
                Expect.refused(403, "Missing upload token").with("WWW-Authenticate", "Bearer")));
        rows.add(new Row("403 missing token", V2_ONLY, Req.put(),
                Expect.refused(403, "Missing upload token")));
        rows.add(new Row("403 only a disabled protocol's token", V2_ONLY, Req.put(v),
                Expect.refused(403, "Missing upload token")));
        rows.add(new Row("401 missing token", BEARER_ONLY, Req.put(v2),
                Expect.refused(401, "Missing upload token").with("WWW-Authenticate", "Bearer")));
        rows.add(new Row("403 bad v (another secret)", ALL,
                Req.put("v=" + OTHER_SECRET.sign(TokenProtocol.V, PATH, LENGTH, null)),
                Expect.refused(403, "Invalid upload token")));
        rows.add(new Row("403 bad v2 (signed for another type)", ALL,
                Req.put("v2=" + TOKENS.sign(TokenProtocol.V2, PATH, LENGTH, "image/png")),
                Expect.refused(403, "Invalid upload token")));
        rows.add(new Row("403 bad token (signed for another length)", ALL,
                Req.put("token=" + TOKENS.sign(TokenProtocol.TOKEN, PATH, LENGTH + 1, TYPE)),
                Expect.refused(403, "Invalid upload token")));
        rows.add(new Row("403 bad v2 never falls back to a good v", ALL,
                Req.put("v2=" + OTHER_SECRET.sign(TokenProtocol.V2, PATH, LENGTH, TYPE) + "&" + v),
                Expect.refused(403, "Invalid upload token")));
        rows.add(new Row("403 repeated v2 (both valid)", ALL, Req.put(v2 + "&" + v2),
                Expect.refused(403, "Invalid upload token")));
        rows.add(new Row("401 Bearer not a JWT", ALL, Req.put().header("Authorization", "Bearer not.a.jwt"),
                Expect.refused(401, "Invalid token: not a signed JWT").with("WWW-Authenticate", "Bearer")));
        rows.add(new Row("401 Bearer another secret", ALL,
                Req.put().header("Authorization", "Bearer " + OTHER_SECRET.bearer(SLOT, "file.txt", LENGTH, TYPE, exp, expires)),
                Expect.refused(401, "Invalid token: bad signature").with("WWW-Authenticate", "Bearer")));
        rows.add(new Row("410 Bearer expired", ALL,
                Req.put().header("Authorization", "Bearer " + TOKENS.bearer(SLOT, "file.txt", LENGTH, TYPE,
                        now.minus(1, ChronoUnit.MINUTES), expires)),
                Expect.refused(410, "Upload token expired")));
        rows.add(new Row("400 Bearer for another slot", ALL,
                Req.put().header("Authorization", "Bearer " + TOKENS.bearer("another-slot", "file.txt", LENGTH, TYPE, exp, expires)),
                Expect.refused(400, "The token is for another slot or file name")));
        rows.add(new Row("400 Bearer for another file name", BEARER_ONLY,
                Req.put().header("Authorization", "Bearer " + TOKENS.bearer(SLOT, "other.txt", LENGTH, TYPE, exp, expires)),
                Expect.refused(400, "The token is for another slot or file name")));
        rows.add(new Row("413 Bearer size mismatch", ALL,
                Req.put().header("Authorization", "Bearer " + TOKENS.bearer(SLOT, "file.txt", LENGTH + 1, TYPE, exp, expires)),
                Expect.refused(413, "Content-Length differs from the size in the token")));
        rows.add(new Row("HTTP/2: no Connection header on a refusal", ALL, Req.put(v2).length(-1).protocol("HTTP/2.0"),
                Expect.refused(411, "Content-Length required").without("Connection")));

        // -- DELETE refusals (a delete secret is configured) --
        rows.add(new Row("403 DELETE missing delete token", ALL, Req.method("DELETE", null),
                Expect.refused(403, "Missing delete token")));
        rows.add(new Row("403 DELETE delete token of another path", ALL,
                Req.method("DELETE", "token=" + TOKENS.deleteToken(SLOT + "/other.txt", DELETE_SECRET)),
                Expect.refused(403, "Invalid delete token")));
        rows.add(new Row("403 DELETE with the upload token", ALL, Req.method("DELETE", token),
                Expect.refused(403, "Invalid delete token")));
        rows.add(new Row("400 DELETE dot segment", ALL,
                Req.method("DELETE", "token=" + TOKENS.deleteToken(PATH, DELETE_SECRET)).uri("/upload/" + SLOT + "/../file.txt"),
                Expect.refused(400, "Invalid path: dot segment in path")));

        // -- what passes --
        rows.add(new Row("valid v", ALL, Req.put(v),
                Expect.passes(VerifiedUpload.ATTRIBUTE, new VerifiedUpload(path(PATH), LENGTH, TYPE, TokenProtocol.V))));
        rows.add(new Row("valid v2", ALL, Req.put(v2),
                Expect.passes(VerifiedUpload.ATTRIBUTE, new VerifiedUpload(path(PATH), LENGTH, TYPE, TokenProtocol.V2))));
        rows.add(new Row("valid v2 in a v2-only service", V2_ONLY, Req.put(v2),
                Expect.passes(VerifiedUpload.ATTRIBUTE, new VerifiedUpload(path(PATH), LENGTH, TYPE, TokenProtocol.V2))));
        rows.add(new Row("valid v2, no Content-Type: the default type is signed", ALL,
                Req.put("v2=" + TOKENS.sign(TokenProtocol.V2, PATH, LENGTH, null)).header("Content-Type", null),
                Expect.passes(VerifiedUpload.ATTRIBUTE, new VerifiedUpload(path(PATH), LENGTH,
                        VerifiedUpload.DEFAULT_CONTENT_TYPE, TokenProtocol.V2))));
        rows.add(new Row("valid token", ALL, Req.put(token),
                Expect.passes(VerifiedUpload.ATTRIBUTE, new VerifiedUpload(path(PATH), LENGTH, TYPE, TokenProtocol.TOKEN))));
        rows.add(new Row("valid Bearer", ALL, Req.put().header("Authorization", bearer),
                Expect.passes(VerifiedUpload.ATTRIBUTE, new VerifiedUpload(path(PATH), LENGTH, TYPE, TokenProtocol.BEARER,
                        "user@example.com", expires))));
        rows.add(new Row("valid Bearer", BEARER_ONLY, Req.put().header("Authorization", bearer),
                Expect.passes(VerifiedUpload.ATTRIBUTE, new VerifiedUpload(path(PATH), LENGTH, TYPE, TokenProtocol.BEARER,
                        "user@example.com", expires))));
        rows.add(new Row("valid DELETE", ALL, Req.method("DELETE", "token=" + TOKENS.deleteToken(PATH, DELETE_SECRET)),
                Expect.passes(VerifiedDeletion.ATTRIBUTE, new VerifiedDeletion(path(PATH)))));
        rows.add(new Row("DELETE passes through to the servlet's 405", NO_DELETE, Req.method("DELETE", null),
                Expect.untouched()));
        for (String method : List.of("GET", "HEAD", "OPTIONS")) {
            rows.add(new Row(method + " passes through", ALL, Req.method(method, null), Expect.untouched()));
            rows.add(new Row(method + " with a bad token passes through", ALL, Req.method(method, "v2=bad"), Expect.untouched()));
        }
        return rows;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rows")
    void decides(Row row) throws Exception {
        Exchange exchange = new Exchange(row.request());

        FILTERS.computeIfAbsent(row.setup(), HmacAuthFilterDecisionTest::filter)
                .doFilter(exchange.request, exchange.response, exchange.chain);

        Expect expect = row.expect();
        List<Executable> checks = new ArrayList<>();
        if (expect.passes()) {
            checks.add(() -> verify(exchange.chain, times(1)).doFilter(exchange.request, exchange.response));
            checks.add(() -> assertEquals(expect.attributes(), exchange.attributes, "request attributes"));
            checks.add(() -> assertNull(exchange.status, "status"));
            checks.add(() -> assertEquals(Map.of(), exchange.headers, "response headers"));
            checks.add(() -> assertEquals("", exchange.body(), "response body"));
        } else {
            byte[] body = (expect.body() + "\n").getBytes(StandardCharsets.UTF_8);
            checks.add(() -> verify(exchange.chain, never()).doFilter(any(), any()));
            checks.add(() -> assertEquals(expect.status(), exchange.status, "status"));
            checks.add(() -> assertEquals(expect.body() + "\n", exchange.body(), "body"));
            checks.add(() -> assertEquals("text/plain;charset=UTF-8", exchange.contentType, "Content-Type"));
            checks.add(() -> assertEquals(Long.valueOf(body.length), exchange.contentLength, "Content-Length"));
            expect.headers().forEach((name, value) ->
                    checks.add(() -> assertEquals(value, exchange.headers.get(name), "header " + name)));
            checks.add(() -> assertEquals(Map.of(), exchange.attributes, "request attributes"));
            // Responses writes the refusal itself: never the container's HTML error page.
            checks.add(() -> verify(exchange.response, never()).sendError(anyInt()));
            checks.add(() -> verify(exchange.response, never()).sendError(anyInt(), any()));
        }
        // Never the body, never the parameters (which a container may parse from a form body).
        checks.add(() -> verify(exchange.request, never()).getInputStream());
        checks.add(() -> verify(exchange.request, never()).getReader());
        checks.add(() -> verify(exchange.request, never()).getParameter(any()));
        checks.add(() -> verify(exchange.request, never()).getParameterMap());
        checks.add(() -> verify(exchange.request, never()).getParameterNames());
        checks.add(() -> verify(exchange.request, never()).getParameterValues(any()));
        checks.add(() -> verify(exchange.request, never()).getParts());
        checks.add(() -> verify(exchange.request, never()).getPart(any()));
        assertAll(row.toString(), checks);
    }

    // ---- the mocks ----

    /** One filter per setup, initialised once as a container does; a filter keeps no per-request state. */
    private static final Map<Setup, HmacAuthFilter> FILTERS = new ConcurrentHashMap<>();

    /** A filter initialised as a container would: its init-params over the context's parameters, no shared config. */
    private static HmacAuthFilter filter(Setup setup) {
        ServletContext context = mock(ServletContext.class);
        when(context.getInitParameter(anyString())).thenAnswer(call -> setup.contextParams().get(call.<String>getArgument(0)));
        when(context.getInitParameterNames()).thenAnswer(call -> Collections.enumeration(setup.contextParams().keySet()));
        when(context.getAttribute(anyString())).thenReturn(null);
        FilterConfig config = mock(FilterConfig.class);
        when(config.getFilterName()).thenReturn("HmacAuthFilter");
        when(config.getServletContext()).thenReturn(context);
        when(config.getInitParameter(anyString())).thenAnswer(call -> setup.filterParams().get(call.<String>getArgument(0)));
        when(config.getInitParameterNames()).thenAnswer(call -> Collections.enumeration(setup.filterParams().keySet()));
        HmacAuthFilter filter = new HmacAuthFilter();
        try {
            filter.init(config);
        } catch (ServletException e) {
            throw new IllegalStateException("the filter refused the configuration of " + setup, e);
        }
        return filter;
    }

    /** A mocked request built from a {@link Req}, a response that records what is set on it, a chain. */
    private static final class Exchange {

        final HttpServletRequest request = mock(HttpServletRequest.class);
        final HttpServletResponse response = mock(HttpServletResponse.class);
        final FilterChain chain = mock(FilterChain.class);

        final Map<String, Object> attributes = new HashMap<>();
        final Map<String, String> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        final ByteArrayOutputStream bodyBytes = new ByteArrayOutputStream();
        Integer status;
        String contentType;
        Long contentLength;

        Exchange(Req req) throws Exception {
            Map<String, String> requestHeaders = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
            requestHeaders.putAll(req.headers());
            when(request.getProtocol()).thenReturn(req.protocol());
            when(request.getMethod()).thenReturn(req.method());
            when(request.getRequestURI()).thenReturn(req.uri());
            when(request.getContextPath()).thenReturn("");
            when(request.getServletPath()).thenReturn("/upload");
            when(request.getPathInfo()).thenReturn(req.uri().substring("/upload".length()));
            when(request.getQueryString()).thenReturn(req.query());
            when(request.getHeader(anyString())).thenAnswer(call -> requestHeaders.get(call.<String>getArgument(0)));
            when(request.getHeaders(anyString())).thenAnswer(call -> {
                String value = requestHeaders.get(call.<String>getArgument(0));
                return Collections.enumeration(value == null ? List.of() : List.of(value));
            });
            when(request.getHeaderNames()).thenAnswer(call -> Collections.enumeration(requestHeaders.keySet()));
            when(request.getContentType()).thenReturn(requestHeaders.get("Content-Type"));
            when(request.getContentLengthLong()).thenReturn(req.contentLength());
            when(request.getContentLength()).thenReturn(req.contentLength() > Integer.MAX_VALUE ? -1 : (int) req.contentLength());
            when(request.getAttribute(anyString())).thenAnswer(call -> attributes.get(call.<String>getArgument(0)));
            doAnswer(call -> attributes.put(call.getArgument(0), call.getArgument(1)))
                    .when(request).setAttribute(anyString(), any());
            doAnswer(call -> attributes.remove(call.<String>getArgument(0))).when(request).removeAttribute(anyString());

            when(response.isCommitted()).thenReturn(false);
            doAnswer(call -> status = call.getArgument(0)).when(response).setStatus(anyInt());
            doAnswer(call -> contentType = call.getArgument(0)).when(response).setContentType(any());
            doAnswer(call -> contentLength = (long) call.<Integer>getArgument(0)).when(response).setContentLength(anyInt());
            doAnswer(call -> contentLength = call.getArgument(0)).when(response).setContentLengthLong(anyLong());
            doAnswer(call -> headers.put(call.getArgument(0), call.getArgument(1))).when(response).setHeader(anyString(), any());
            doAnswer(call -> headers.merge(call.getArgument(0), call.getArgument(1), (a, b) -> a + ", " + b))
                    .when(response).addHeader(anyString(), anyString());
            when(response.getHeader(anyString())).thenAnswer(call -> headers.get(call.<String>getArgument(0)));
            when(response.containsHeader(anyString())).thenAnswer(call -> headers.containsKey(call.<String>getArgument(0)));
            when(response.getOutputStream()).thenReturn(new RecordingOutputStream(bodyBytes));
        }

        String body() {
            return bodyBytes.toString(StandardCharsets.UTF_8);
        }
    }

    /** A real servlet output stream into memory. */
    private static final class RecordingOutputStream extends ServletOutputStream {

        private final ByteArrayOutputStream out;

        RecordingOutputStream(ByteArrayOutputStream out) {
            this.out = out;
        }

        @Override
        public void write(int b) {
            out.write(b);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            out.write(b, off, len);
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setWriteListener(WriteListener listener) {
            throw new UnsupportedOperationException("blocking only");
        }
    }

    private static SlotPath path(String raw) {
        try {
            return SlotPath.parse(raw);
        } catch (InvalidSlotPathException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
