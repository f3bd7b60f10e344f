package io.github.httpupload.web;

import io.github.httpupload.auth.InvalidSlotPathException;
import io.github.httpupload.testsupport.RawHttp;
import io.github.httpupload.testsupport.RawHttp.Response;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/**
 * {@link RequestSlotPath} under every kind of servlet mapping, over real HTTP, in a context
 * {@value #CONTEXT} (non-empty on purpose). The slot path is, still encoded in the request URI:
 * <ul>
 * <li>path mapping {@code /*}: everything after the context path;</li>
 * <li>prefix mapping {@code /files/*}: everything after the context path and {@code /files/};</li>
 * <li>exact mapping ({@code /exact/4a771ac1/photo.jpg}): everything after the context path, since
 *     the mapping is the whole path ({@code getPathInfo()} is null);</li>
 * <li>default mapping {@code /}: everything after the context path ({@code getPathInfo()} is null,
 *     the servlet path is the whole path).</li>
 * </ul>
 * It is then percent-decoded exactly once. Each mapping runs on its own server, so that {@code /*}
 * does not hide {@code /}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class SlotPathMappingContract {

    static final String CONTEXT = "/ctx";

    /** A running container with the probe deployed in {@value #CONTEXT}. */
    interface ProbeServer extends AutoCloseable {
        int port();
    }

    /** Starts a container with {@link Probe} mapped to {@code patterns} (decoded, as in web.xml). */
    abstract ProbeServer start(List<String> patterns) throws Exception;

    /** A raw request path (after the mapping's prefix) and the slot path it must give. */
    record Case(String name, String raw, String slot) {
        @Override
        public String toString() {
            return name;
        }
    }

    static final List<Case> CASES = List.of(
            new Case("plain", "4a771ac1/photo.jpg", "4a771ac1/photo.jpg"),
            new Case("UTF-8, uppercase hex", "4a771ac1/tr%C3%A8s%20cool.jpg", "4a771ac1/très cool.jpg"),
            new Case("UTF-8, lowercase hex (Prosody)", "4a771ac1/tr%c3%a8s%20cool.jpg", "4a771ac1/très cool.jpg"),
            new Case("+ stays a plus", "4a771ac1/a+b.jpg", "4a771ac1/a+b.jpg"),
            // %2541 is "%41" decoded once; decoded twice it would be "A".
            new Case("%25 decoded once", "4a771ac1/100%2541.txt", "4a771ac1/100%41.txt"),
            new Case("; as %3B", "4a771ac1/notes%3Bdraft=2.txt", "4a771ac1/notes;draft=2.txt"),
            new Case("? as %3F, # as %23", "4a771ac1/why%3F%20%23tag.txt", "4a771ac1/why? #tag.txt"));

    /**
     * A mapping: its URL patterns, the canonical request prefix, other spellings of that prefix
     * that containers map the same way, and what the slot path starts with.
     */
    enum Mapping {
        PATH("/*", "/ctx/", "", "/c%74x/"),
        PREFIX("/files/*", "/ctx/files/", "", "/ctx/fil%65s/", "/c%74x/files/", "/ctx/%66iles/"),
        // One exact pattern per case: an exact mapping matches only its own (decoded) path.
        EXACT(null, "/ctx/exact/", "exact/", "/ctx/ex%61ct/", "/c%74x/exact/"),
        DEFAULT("/", "/ctx/", "", "/c%74x/");

        final String pattern;
        final String prefix;
        final String slotPrefix;
        final List<String> respellings;

        Mapping(String pattern, String prefix, String slotPrefix, String... respellings) {
            this.pattern = pattern;
            this.prefix = prefix;
            this.slotPrefix = slotPrefix;
            this.respellings = List.of(respellings);
        }

        List<String> patterns() {
            return pattern != null ? List.of(pattern) : CASES.stream().map(c -> "/exact/" + c.slot()).distinct().toList();
        }
    }

    /** Answers every request with the slot path it finds, or 400 and why there is none. */
    static final class Probe extends HttpServlet {

        private static final long serialVersionUID = 1L;
        static final String REFUSED = "refused: ";

        @Override
        protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
            String body;
            try {
                body = RequestSlotPath.of(request).value();
            } catch (InvalidSlotPathException e) {
                response.setStatus(400);
                body = REFUSED + e.getMessage();
            }
            response.setContentType("text/plain;charset=UTF-8");
            response.getOutputStream().write(body.getBytes(StandardCharsets.UTF_8));
        }
    }

    private final Map<Mapping, ProbeServer> servers = new EnumMap<>(Mapping.class);

    @BeforeAll
    void startAll() throws Exception {
        for (Mapping mapping : Mapping.values()) {
            servers.put(mapping, start(mapping.patterns()));
        }
    }

    @AfterAll
    void stopAll() throws Exception {
        for (ProbeServer server : servers.values()) {
            server.close();
        }
    }

    static Stream<Arguments> mappingsAndCases() {
        return Arrays.stream(Mapping.values()).flatMap(m -> CASES.stream().map(c -> arguments(m, c)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("mappingsAndCases")
    void theSlotPathIsDecodedOnce(Mapping mapping, Case c) throws IOException {
        Response response = get(mapping, mapping.prefix + c.raw());

        assertEquals(200, response.status(), response.text());
        assertEquals(mapping.slotPrefix + c.slot(), response.text());
    }

    static Stream<Arguments> respelledPrefixes() {
        return Arrays.stream(Mapping.values()).flatMap(m -> m.respellings.stream().map(p -> arguments(m, p)));
    }

    @ParameterizedTest(name = "{0}: {1}…")
    @MethodSource("respelledPrefixes")
    void anEquivalentSpellingOfThePrefixStillMaps(Mapping mapping, String prefix) throws IOException {
        Response response = get(mapping, prefix + "4a771ac1/photo.jpg");

        assertEquals(200, response.status(), response.text());
        assertEquals(mapping.slotPrefix + "4a771ac1/photo.jpg", response.text());
    }

    /**
     * Whether the container itself refuses an encoded dot segment or slash (Jetty's DEFAULT URI
     * compliance: "Ambiguous URI path segment/separator") instead of decoding and normalizing it
     * (Tomcat), so that the servlet never sees one.
     */
    abstract boolean refusesEncodedDotSegments();

    /** An encoded traversal, and whether it normalizes to a path still inside the mapping. */
    record Traversal(String raw, boolean staysInside) {
        @Override
        public String toString() {
            return raw;
        }
    }

    static final List<Traversal> TRAVERSALS = List.of(
            new Traversal("4a771ac1/x/%2E%2E/photo.jpg", true),
            new Traversal("4a771ac1/x/%2e%2e/photo.jpg", true),
            new Traversal("4a771ac1/%2E%2E/%2E%2E/secret.txt", false),
            new Traversal("%2E%2E/%2E%2E/etc/passwd", false),
            // One raw segment, three once decoded: splitting after decoding must still see the dots.
            new Traversal("4a771ac1/%2E%2E%2F%2E%2E%2Fsecret.txt", false));

    static Stream<Arguments> traversals() {
        return Arrays.stream(Mapping.values()).flatMap(m -> TRAVERSALS.stream().map(t -> arguments(m, t)));
    }

    @ParameterizedTest(name = "{0}: {1}")
    @MethodSource("traversals")
    void anEncodedTraversalIsRefusedAndNeverGivesADotDotSegment(Mapping mapping, Traversal traversal) throws IOException {
        Response response = get(mapping, mapping.prefix + traversal.raw());

        assertNotEquals(200, response.status(), response.text());
        assertFalse(Arrays.asList(response.text().split("/")).contains(".."), response.text());
        if (refusesEncodedDotSegments()) {
            assertEquals(400, response.status(), response.text());
            assertFalse(response.text().startsWith(Probe.REFUSED), "the container, not the servlet, refuses it");
        } else if (traversal.staysInside()) {
            // Normalized, the container maps it to the probe; the raw URI still has the dots.
            assertEquals(400, response.status(), response.text());
            assertEquals(Probe.REFUSED + "dot segment in path", response.text());
        } else {
            // Above the context or an encoded slash: the container answers, the probe never sees it.
            assertTrue(response.status() == 400 || response.status() == 404, response.status() + " " + response.text());
            assertFalse(response.text().startsWith(Probe.REFUSED), response.text());
        }
    }

    Response get(Mapping mapping, String target) throws IOException {
        return RawHttp.request("GET", target).send(servers.get(mapping).port());
    }
}
