package io.github.httpupload.web;

import io.github.httpupload.auth.TokenProtocol;
import io.github.httpupload.config.Parameters;
import io.github.httpupload.testsupport.LogCapture;
import io.github.httpupload.testsupport.RawHttp;
import io.github.httpupload.testsupport.StorageLayout;
import io.github.httpupload.testsupport.RawHttp.Response;
import io.github.httpupload.testsupport.TempDirs;
import io.github.httpupload.testsupport.TestServer;
import io.github.httpupload.testsupport.Tokens;
import io.github.httpupload.testsupport.UrlSpelling;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.BiFunction;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile input (issue 4): a generated corpus of requests nobody legitimate sends — traversal in
 * every spelling, invalid and overlong UTF-8, control characters, look-alikes, device names, broken
 * tokens, contradictory framing headers, header injection, odd methods — run unchanged on every
 * container. Each subclass only says which container to start.
 *
 * <p>Every PUT in the path corpus carries a token validly signed over the decoded path (or, where
 * the path does not decode, over what a lenient decoder would make of it), so only path validation
 * can stop it. For every case, whatever its expected status:
 * <ol>
 *   <li>no 5xx (a dropped connection is recorded, and allowed only where a reason is given);</li>
 *   <li>no 2xx for a PUT that has no valid token for exactly that request, or whose path the README
 *       says must be refused; no 2xx for methods other than GET, HEAD, OPTIONS; a GET 2xx only with
 *       the bytes a legitimate upload stored under exactly that decoded path;</li>
 *   <li>no file appears or changes outside the storage root (the sandbox around it and its parent,
 *       compared entry by entry; names carrying {@value #MARKER} looked for in the working
 *       directory, {@code java.io.tmpdir} and {@code /});</li>
 *   <li>the storage root ({@code files/}, {@code tmp/}: names and sizes) is unchanged after every
 *       refused request, and after an accepted one only the signed path's file was added;</li>
 *   <li>no response carries the secret or the bytes of a file outside the root;</li>
 * </ol>
 * and at the end a valid upload still works. Two focused tests plant symlinks inside the root, and
 * one captures every log line (java.util.logging at ALL) of good, bad and failing requests and of
 * refused configurations, looking for the secret.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class HostileInputContract {

    static final String SECRET = "hostile-input-secret-" + UUID.randomUUID();
    static final long MAX_FILE_SIZE = 1024 * 1024;
    /** Part of every file name a traversal attempt aims at, so that an escape is found wherever it lands. */
    static final String MARKER = "hupl-escape";
    private static final String CONTEXT = TestServer.CONTEXT;
    private static final int RAW_TIMEOUT_MILLIS = 10_000;
    private static final String TEXT = "text/plain";

    private final Tokens tokens = new Tokens(SECRET);
    private Path parent;
    private Path sandbox;
    private Path storage;
    private byte[] canary;
    private TestServer server;

    /** What legitimate uploads of the corpus stored, by decoded slot path. */
    private final Map<String, byte[]> storedBodies = new HashMap<>();
    private final List<String> dropped = new ArrayList<>();
    private final List<String> failures = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, Integer> statusCounts = new TreeMap<>();
    private int casesRun;
    private long corpusNanos;
    private int markerCounter;
    /** One line per case, written to target/ at the end: the status each container gave each case. */
    private final List<String> outcomes = new ArrayList<>();
    private Map<String, Long> lastStorage;
    private Map<String, Long> lastOutside;

    /**
     * The few 5xx answers a container gives itself, before any filter of ours runs, to requests no
     * HTTP client sends to an upload service (README, "Reliability"): Tomcat 501 for CONNECT, Jetty
     * 505 for a request line without a target. Everything else must stay below 500.
     */
    abstract boolean containerAnswersItself(String method, String target, int status);

    abstract TestServer.Factory container();

    String containerName() {
        return getClass().getSimpleName().replace("HostileInputTest", "");
    }

    @BeforeAll
    void start() throws Exception {
        parent = Files.createTempDirectory("hostile-input");
        sandbox = Files.createDirectory(parent.resolve("sandbox"));
        storage = sandbox.resolve("storage");
        canary = ("HUPL-CANARY-" + UUID.randomUUID()).getBytes(StandardCharsets.US_ASCII);
        // Targets for traversal attempts one and two levels above the storage root.
        Files.write(sandbox.resolve(MARKER + "-canary.txt"), canary);
        Files.write(parent.resolve(MARKER + "-canary.txt"), canary);
        server = container().start(Map.of(
                Parameters.SECRET, SECRET,
                Parameters.STORAGE_DIR, storage.toString(),
                Parameters.MAX_FILE_SIZE, Long.toString(MAX_FILE_SIZE)), true);
        assertTrue(server.started(), "the service did not start: " + server.startFailure());
    }

    @AfterAll
    void stop() throws Exception {
        StringBuilder summary = new StringBuilder();
        summary.append("== hostile input corpus on ").append(containerName()).append(": ").append(casesRun)
                .append(" cases in ").append(corpusNanos / 1_000_000).append(" ms\n");
        summary.append("statuses: ").append(statusCounts).append('\n');
        summary.append("dropped connections without a response: ").append(dropped.size()).append('\n');
        dropped.forEach(line -> summary.append("  ").append(line).append('\n'));
        summary.append("invariant violations: ").append(failures.size()).append('\n');
        failures.forEach(line -> summary.append("  ").append(line).append('\n'));
        summary.append("notes: ").append(notes.size()).append('\n');
        notes.forEach(line -> summary.append("  ").append(line).append('\n'));
        System.out.println(summary);
        Path target = Paths.get("target");
        if (Files.isDirectory(target) && !outcomes.isEmpty()) {
            Files.write(target.resolve("hostile-input-" + containerName() + ".tsv"), outcomes, StandardCharsets.UTF_8);
        }
        try {
            if (server != null) {
                server.close();
            }
        } finally {
            TempDirs.delete(parent);
        }
    }

    // =============================================================================================
    // The corpus
    // =============================================================================================

    @Order(1)
    @ParameterizedTest(name = "{0}")
    @MethodSource("corpus")
    void hostileRequestKeepsEveryInvariant(Case c) throws Exception {
        long started = System.nanoTime();
        // Nothing else runs between two cases, so the state after one is the state before the next.
        Map<String, Long> storageBefore = lastStorage != null ? lastStorage : snapshot(storage);
        Map<String, Long> outsideBefore = lastOutside != null ? lastOutside : outsideSnapshot();

        Response response;
        String dropReason = null;
        try {
            response = send(c);
        } catch (IOException | RuntimeException e) {
            response = null;
            dropReason = e.toString();
        }

        List<String> violations = new ArrayList<>();
        boolean accepted = false;
        if (response == null) {
            count("no response");
            String line = c.name + ": " + printable(abbreviate(dropReason, 300)) + (c.dropAllowed == null ? "" : " — allowed: " + c.dropAllowed);
            dropped.add(line);
            if (c.dropAllowed == null) {
                violations.add("the connection was closed without a response (" + dropReason + ")");
            }
        } else {
            int status = response.status();
            count(Integer.toString(status));
            accepted = status >= 200 && status < 300;
            if (status >= 500 && !containerAnswersItself(c.method, c.target, status)) {
                violations.add("5xx answer " + status + ": " + printable(abbreviate(response.text(), 300)));
            }
            if (accepted) {
                checkAccepted(c, response, violations);
            }
            checkNoLeak(response, violations);
        }

        Map<String, Long> storageAfter = snapshot(storage);
        if (accepted && c.kind == Kind.UPLOAD && c.mayStore) {
            checkOnlyTheSignedFileWasAdded(c, storageBefore, storageAfter, violations);
        } else if (!storageBefore.equals(storageAfter)) {
            violations.add("the storage root changed after a refused request: " + difference(storageBefore, storageAfter));
        }
        Map<String, Long> outsideAfter = outsideSnapshot();
        lastStorage = storageAfter;
        lastOutside = outsideAfter;
        if (!outsideBefore.equals(outsideAfter)) {
            violations.add("something changed outside the storage root: " + difference(outsideBefore, outsideAfter));
        }
        violations.addAll(markersOutside());

        casesRun++;
        corpusNanos += System.nanoTime() - started;
        outcomes.add(c.name + "\t" + (response == null ? "no response" : Integer.toString(response.status()))
                + (violations.isEmpty() ? "" : "\tVIOLATION " + printable(violations.toString())));
        if (!violations.isEmpty()) {
            String report = containerName() + " | " + c.name + " | status "
                    + (response == null ? "none" : Integer.toString(response.status())) + " | " + violations
                    + "\n    request bytes: " + c.shown();
            failures.add(report);
            throw new AssertionError(report);
        }
    }

    /** What a 2xx may mean: a legitimate upload, a read of exactly what was stored, an OPTIONS answer. */
    private void checkAccepted(Case c, Response response, List<String> violations) throws IOException {
        switch (c.kind) {
            case UPLOAD -> {
                if (!c.mayStore) {
                    violations.add("2xx (" + response.status() + ") for a PUT without a valid token for exactly this request"
                            + " or with a path the README says must be refused");
                    return;
                }
                if (c.note != null) {
                    notes.add(containerName() + " | " + c.name + ": accepted with " + response.status() + " (" + c.note + ")");
                }
                storedBodies.put(c.slotPath, c.storedBytes());
                Response back = RawHttp.request("GET", url(c.slotPath)).send(port());
                if (back.status() != 200 || !Arrays.equals(c.storedBytes(), back.body())) {
                    violations.add("accepted, but a GET of the signed path answers " + back.status()
                            + (back.status() == 200 ? " with other bytes" : ": " + abbreviate(back.text(), 200)));
                    return;
                }
                for (String injected : List.of("x-injected", "x-folded", "x-smuggled")) {
                    if (back.headers().containsKey(injected)) {
                        violations.add("the stored file is served with an injected header " + injected);
                    }
                }
                String type = String.valueOf(back.header("Content-Type")).toLowerCase(Locale.ROOT);
                String disposition = String.valueOf(back.header("Content-Disposition"));
                if ((type.startsWith("text/html") || type.contains("svg") || type.contains("xml") || type.contains("javascript"))
                        && !disposition.startsWith("attachment")) {
                    violations.add("active content served inline: " + type + " / " + disposition);
                }
                if (!"nosniff".equals(back.header("X-Content-Type-Options"))) {
                    violations.add("stored file served without nosniff");
                }
                checkNoLeak(back, violations);
            }
            case READ -> {
                byte[] expected = c.slotPath == null ? null : storedBodies.get(c.slotPath);
                if (expected == null) {
                    violations.add("2xx (" + response.status() + ") for a read of a path where nothing was stored");
                } else if (c.method.equals("GET") && !Arrays.equals(expected, response.body())) {
                    violations.add("GET answered bytes other than those stored under this path");
                } else if (c.method.equals("HEAD") && !String.valueOf(expected.length).equals(response.header("Content-Length"))) {
                    violations.add("HEAD describes something other than what was stored under this path");
                }
            }
            case OPTIONS -> {
                // A preflight or OPTIONS answer stores and reveals nothing.
            }
            case OTHER -> violations.add("2xx (" + response.status() + ") for method " + printable(c.method));
        }
    }

    private void checkNoLeak(Response response, List<String> violations) {
        String everything = response.headers() + "\n" + new String(response.body(), StandardCharsets.ISO_8859_1);
        if (everything.contains(SECRET) || everything.contains(HexFormat.of().formatHex(SECRET.getBytes(StandardCharsets.UTF_8)))) {
            violations.add("the response carries the secret");
        }
        if (everything.contains(new String(canary, StandardCharsets.ISO_8859_1))) {
            violations.add("the response carries the bytes of a file outside the storage root");
        }
        if (everything.contains("root:x:0:0")) {
            violations.add("the response carries /etc/passwd");
        }
    }

    private void checkOnlyTheSignedFileWasAdded(Case c, Map<String, Long> before, Map<String, Long> after, List<String> violations) {
        String expected = storage.relativize(storedFileOf(c.slotPath)).toString();
        Map<String, Long> added = new TreeMap<>(after);
        added.keySet().removeAll(before.keySet());
        Map<String, Long> unchanged = new TreeMap<>(after);
        unchanged.keySet().retainAll(before.keySet());
        if (!added.keySet().equals(Set.of(expected)) || !unchanged.equals(before)) {
            violations.add("an accepted upload changed the storage root other than by adding " + expected + ": "
                    + difference(before, after));
        }
    }

    private void count(String status) {
        statusCounts.merge(status, 1, Integer::sum);
    }

    /** Every request case, in order: a GET of a path follows the PUT of the same path. */
    Stream<Case> corpus() {
        List<Case> cases = new ArrayList<>();
        pathCases(cases);
        targetCases(cases);
        tokenCases(cases);
        protocolCombinationCases(cases);
        contentLengthCases(cases);
        transferEncodingCases(cases);
        contentTypeCases(cases);
        otherHeaderCases(cases);
        methodCases(cases);
        Set<String> names = new HashSet<>();
        for (Case c : cases) {
            if (!names.add(c.name)) {
                throw new IllegalStateException("duplicate case name " + c.name);
            }
        }
        return cases.stream();
    }

    // ---- paths ----------------------------------------------------------------------------------

    /**
     * Slot paths after {@code /upload/}, as sent on the wire: {@code {s}} is a fresh slot,
     * {@code {m}} a traversal target name. Raw characters are single bytes on the wire (ISO-8859-1).
     */
    private static List<String[]> pathTemplates() {
        List<String[]> t = new ArrayList<>();
        // dot segments, literal and encoded
        for (String p : List.of("{s}/..", "{s}/.", "{s}/../x.txt", "{s}/./x.txt", "..", ".", "../{s}/x.txt", "./{s}/x.txt",
                "{s}/x.txt/..", "{s}/x.txt/.", "{s}/../../{m}", "{s}/../../../../../../../../../../tmp/{m}",
                "{s}/%2e%2e/x.txt", "{s}/%2E%2e/x.txt", "{s}/%2e%2E/x.txt", "{s}/%2E%2E/x.txt", "{s}/%2e/x.txt",
                "{s}/.%2e/x.txt", "{s}/%2e./x.txt", "%2e%2e/%2e%2e/{m}", "{s}/%2e%2e%2f%2e%2e%2f{m}",
                "{s}/..%2f..%2f{m}", "{s}%2f..%2f..%2f{m}", "{s}/%2e%2e%5c{m}", "{s}/%2e%2e", "{s}/%2e",
                "{s}/%252e%252e/x.txt", "{s}/%25%32%65%25%32%65/x.txt", "{s}/.../x.txt", "{s}/..../x.txt",
                "{s}/.x.txt", "{s}/..x.txt", "{s}/x..txt")) {
            t.add(new String[] {p});
        }
        // encoded slash and backslash
        for (String p : List.of("{s}%2fx.txt", "{s}/a%2fb.txt", "{s}/a%2Fb.txt", "%2f{s}/x.txt", "{s}/x.txt%2f",
                "{s}%2f%2fx.txt", "{s}/a%5cb.txt", "{s}/%5c", "{s}/%5C", "{s}/..%5c..%5c{m}", "{s}%5c..%5c{m}",
                "%5c%5cserver%5cshare/{s}", "{s}/..%5C..%5C..%5C{m}")) {
            t.add(new String[] {p});
        }
        // NUL
        for (String p : List.of("{s}/a%00b.txt", "{s}/%00", "{s}/x.txt%00.jpg", "{s}%00/x.txt", "%00{s}/x.txt", "{s}/x.txt%00")) {
            t.add(new String[] {p});
        }
        // overlong UTF-8
        for (String p : List.of("{s}/%c0%ae%c0%ae/x.txt", "{s}/%c0%ae/x.txt", "{s}/%C0%AE%C0%AE/x.txt", "{s}/%c0%af",
                "{s}/..%c0%af..%c0%af{m}", "{s}/%c0%ae%c0%ae%c0%af{m}", "{s}/%e0%80%ae%e0%80%ae/x.txt", "{s}/%e0%80%af",
                "{s}/%f0%80%80%ae%f0%80%80%ae/x.txt", "{s}/%c1%9c", "{s}/..%c1%9c..%c1%9c{m}", "{s}/a%c0%80b.txt",
                "{s}/%c0%2e%c0%2e/x.txt", "{s}/%e0%81%9c{m}")) {
            t.add(new String[] {p});
        }
        // invalid UTF-8
        for (String p : List.of("{s}/%ff", "{s}/%fe%ff", "{s}/a%c3", "{s}/a%c3.txt", "{s}/%c3%28", "{s}/%ed%a0%80",
                "{s}/%ed%bf%bf", "{s}/%ed%a0%80%ed%b0%80", "{s}/%f4%90%80%80", "{s}/%80", "{s}/%f8%88%80%80%80",
                "{s}/%e2%82", "{s}%ff/x.txt", "{s}/%c3%a9%ff")) {
            t.add(new String[] {p});
        }
        // malformed escapes
        for (String p : List.of("{s}/%", "{s}/%2", "{s}/x.txt%", "{s}/%zz", "{s}/%%32%65", "{s}/%u002e%u002e/{m}",
                "{s}/%2g", "{s}/%-1", "{s}/%%")) {
            t.add(new String[] {p});
        }
        // empty segments
        for (String p : List.of("{s}//x.txt", "/{s}/x.txt", "{s}/x.txt//", "{s}/x.txt/", "//{s}/x.txt", "{s}///x.txt",
                "{s}/x//y.txt", "", "/", "{s}")) {
            t.add(new String[] {p});
        }
        // every control character 0x01-0x1f and 0x7f, encoded, inside a name; C1 controls too
        for (int c = 1; c < 0x20; c++) {
            t.add(new String[] {"{s}/a%" + String.format(c % 2 == 0 ? "%02x" : "%02X", c) + "b.txt"});
        }
        t.add(new String[] {"{s}/a%7fb.txt"});
        for (String p : List.of("{s}/%0a", "{s}/%0d%0a", "{s}/%09", "{s}/x.txt%0d%0aX-Injected:%20yes", "{s}/a%c2%80b.txt",
                "{s}/a%c2%85b.txt", "{s}/a%c2%9fb.txt")) {
            t.add(new String[] {p});
        }
        // unicode look-alikes, encoded: each as a name and in a traversal-looking segment
        Map<String, String> lookAlikes = new LinkedHashMap<>();
        lookAlikes.put("U+FF0F fullwidth solidus", "%ef%bc%8f");
        lookAlikes.put("U+2024 one dot leader", "%e2%80%a4");
        lookAlikes.put("U+2215 division slash", "%e2%88%95");
        lookAlikes.put("U+FF0E fullwidth full stop", "%ef%bc%8e");
        lookAlikes.put("U+2044 fraction slash", "%e2%81%84");
        lookAlikes.put("U+FF3C fullwidth reverse solidus", "%ef%bc%bc");
        lookAlikes.put("U+FE52 small full stop", "%ef%b9%92");
        lookAlikes.put("U+2025 two dot leader", "%e2%80%a5");
        lookAlikes.put("U+FE68 small reverse solidus", "%ef%b9%a8");
        lookAlikes.put("U+29F8 big solidus", "%e2%a7%b8");
        lookAlikes.put("U+2216 set minus", "%e2%88%96");
        lookAlikes.put("U+0338 combining long solidus overlay", "%cc%b8");
        lookAlikes.forEach((name, e) -> {
            t.add(new String[] {"{s}/" + e + e + "/x.txt", name + " twice as a segment"});
            t.add(new String[] {"{s}/.." + e + ".." + e + "{m}", name + " between dot pairs"});
        });
        t.add(new String[] {"{s}/%e2%80%a4%e2%80%a4%ef%bc%8f%e2%80%a4%e2%80%a4%ef%bc%8f{m}", "one dot leaders and fullwidth solidi"});
        t.add(new String[] {"{s}/x%e2%80%a8y.txt", "U+2028 line separator in a name"});
        t.add(new String[] {"{s}/x%e2%80%aetxt.exe", "U+202E right-to-left override in a name"});
        t.add(new String[] {"{s}/x%e2%80%8b.txt", "U+200B zero width space in a name"});
        t.add(new String[] {"{s}/%ef%bb%bfx.txt", "U+FEFF byte order mark in a name"});
        t.add(new String[] {"{s}/\u00ef\u00bc\u008f..\u00ef\u00bc\u008f{m}", "raw UTF-8 fullwidth solidus"});
        // Windows device names, with and without extensions, as a name and as the first segment
        for (String device : List.of("CON", "PRN", "AUX", "NUL", "COM1", "COM9", "LPT1", "LPT9", "CONIN$", "CONOUT$", "CLOCK$")) {
            t.add(new String[] {"{s}/" + device});
            t.add(new String[] {"{s}/" + device + ".txt"});
            t.add(new String[] {"{s}/" + device.toLowerCase(Locale.ROOT) + ".tar.gz"});
            t.add(new String[] {device + "/{s}"});
        }
        t.add(new String[] {"{s}/COM%c2%b9", "device name COM with superscript one"});
        t.add(new String[] {"{s}/LPT%c2%b2.txt", "device name LPT with superscript two"});
        t.add(new String[] {"{s}/NUL%20.txt"});
        t.add(new String[] {"{s}/CON.", "device name CON with a trailing dot"});
        // trailing dots and spaces, NTFS streams
        for (String p : List.of("{s}/x.txt.", "{s}/x.txt..", "{s}/x.txt...", "{s}/x.txt%20", "{s}/x.txt%20%20",
                "{s}/x.txt.%20.%20", "{s}/%20", "{s}/%20%20", "{s}/.%20", "{s}/..%20", "{s}/%20..", "{s}/%20.",
                "{s}/..%09", "{s}/x.txt::$DATA", "{s}/x.txt:stream", "{s}./x.txt", "{s}%20/x.txt", "{s}/x.txt+")) {
            t.add(new String[] {p});
        }
        // absolute-looking paths
        for (String p : List.of("/etc/passwd", "%2fetc%2fpasswd", "%2fetc/{s}", "C:%5cWindows%5c{s}.ini", "C:/Windows/{s}.ini",
                "C:{s}/x.txt", "%5c%5c127.0.0.1%5cc$%5c{s}", "%5c%5c%3f%5cC:%5c{s}", "file:%2f%2f%2fetc%2f{s}",
                "file:/etc/{s}", "~root/{s}", "~/{s}", "{s}/%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd",
                "{s}/....//....//etc/passwd", "{s}/..././..././etc/passwd", "{s}/" + "../".repeat(12) + "etc/passwd")) {
            t.add(new String[] {p});
        }
        // raw (unencoded) characters that no client should put in a request target
        t.add(new String[] {"{s}/..\\..\\{m}", "raw backslash traversal"});
        t.add(new String[] {"{s}\\x.txt", "raw backslash as separator"});
        t.add(new String[] {"{s}/a\tb.txt", "raw TAB in the target"});
        t.add(new String[] {"{s}/a\u007fb.txt", "raw DEL in the target"});
        t.add(new String[] {"{s}/a\u0001b.txt", "raw 0x01 in the target"});
        t.add(new String[] {"{s}/a\u0000b.txt", "raw NUL in the target"});
        t.add(new String[] {"{s}/a\"b.txt", "raw double quote in the target"});
        t.add(new String[] {"{s}/a<b>.txt", "raw angle brackets in the target"});
        t.add(new String[] {"{s}/a{b}|^`.txt", "raw braces, bar, caret, backtick in the target"});
        t.add(new String[] {"{s}/caf\u00e9.txt", "raw ISO-8859-1 byte 0xe9 in the target"});
        t.add(new String[] {"{s}/caf\u00c3\u00a9.txt", "raw UTF-8 e-acute in the target"});
        // very long paths and segments
        String slotLength = "x".repeat(36 + 1); // a slot and its slash
        t.add(new String[] {"{s}/" + "a".repeat(5000), "SLOT/ + one 5000-character segment"});
        t.add(new String[] {"{s}/" + "abcdefghi/".repeat(500) + "x", "SLOT/ + 501 segments, 5000 characters"});
        t.add(new String[] {"{s}/" + "a".repeat(4096 - slotLength.length()), "path of exactly 4096 characters"});
        t.add(new String[] {"{s}/" + "a".repeat(4097 - slotLength.length()), "path of 4097 characters"});
        t.add(new String[] {"{s}/" + "%61".repeat(2000), "SLOT/ + 2000 escaped a (6000 characters on the wire)"});
        t.add(new String[] {"{s}/" + "%e6%97%a5".repeat(1400), "SLOT/ + 1400 escaped CJK characters (12600 on the wire)"});
        t.add(new String[] {"{s}/" + "%e6%97%a5".repeat(800), "SLOT/ + 800 escaped CJK characters (7200 on the wire)"});
        t.add(new String[] {"{s}/" + "a".repeat(20000), "SLOT/ + one 20000-character segment"});
        t.add(new String[] {"{s}/" + "a/".repeat(2500) + "x", "SLOT/ + 2501 one-character segments"});
        t.add(new String[] {"{s}/" + "../".repeat(1000) + "{m}", "SLOT/ + 1000 dot-dot segments"});
        t.add(new String[] {"{s}/" + "%2e%2e/".repeat(500) + "{m}", "SLOT/ + 500 encoded dot-dot segments"});
        t.add(new String[] {"{s}/" + "a".repeat(255), "SLOT/ + a 255-character name"});
        t.add(new String[] {"{s}/" + "a".repeat(256), "SLOT/ + a 256-character name"});
        t.add(new String[] {"{s}/" + "%c3%a9".repeat(200), "SLOT/ + 200 escaped e-acute (400 bytes)"});
        return t;
    }

    private void pathCases(List<Case> out) {
        for (String[] template : pathTemplates()) {
            String slot = newSlot();
            String raw = template[0].replace("{s}", slot).replace("{m}", MARKER + "-" + (++markerCounter));
            String label = template.length > 1 ? template[1] : printable(template[0].replace("{s}", "SLOT").replace("{m}", "ESCAPE"));
            String strict = strictDecode(raw);
            String signed = strict != null ? strict : lenientDecode(raw);
            boolean lineIntact = raw.chars().noneMatch(ch -> ch == ' ' || ch == '\r' || ch == '\n');
            byte[] body = bytes("path case " + label.length());
            String query = "?v2=" + tokens.sign(TokenProtocol.V2, signed, body.length, TEXT);
            out.add(Case.of("path PUT [" + label + "]", "PUT", CONTEXT + "/" + raw + query)
                    .header("Content-Type", TEXT).body(body).contentLength()
                    .mayStore(lineIntact && strict != null && legal(strict)).slot(strict).build());
            out.add(Case.of("path GET [" + label + "]", "GET", CONTEXT + "/" + raw).slot(strict).build());
        }
    }

    /** Whole request targets: the context prefix spelled oddly, other forms of target. */
    private void targetCases(List<Case> out) {
        record Target(String label, String template, boolean mayStore) {
        }
        List<Target> targets = List.of(
                new Target("no slash after the context", CONTEXT + "{q}", false),
                new Target("only the context", CONTEXT + "/{q}", false),
                new Target("one segment", CONTEXT + "/{s}{q}", false),
                new Target("double slash before the context", "/" + CONTEXT + "/{s}/x.txt{q}", false),
                new Target("dot segment before the context", "/." + CONTEXT + "/{s}/x.txt{q}", false),
                new Target("dot-dot before the context", "/x/.." + CONTEXT + "/{s}/x.txt{q}", false),
                new Target("encoded dot-dot before the context", "/%2e%2e" + CONTEXT + "/{s}/x.txt{q}", false),
                new Target("context, dot-dot, context", CONTEXT + "/.." + CONTEXT + "/{s}/x.txt{q}", false),
                new Target("context, ..;, context", CONTEXT + "/..;" + CONTEXT + "/{s}/x.txt{q}", false),
                new Target("upper-case context", CONTEXT.toUpperCase(Locale.ROOT) + "/{s}/x.txt{q}", false),
                new Target("context joined by %2f", CONTEXT + "%2f{s}/x.txt{q}", false),
                new Target("context with a ;parameter", CONTEXT + ";a=b/{s}/x.txt{q}", true),
                new Target("context with an escaped letter", "/%75pload/{s}/x.txt{q}", true),
                new Target("absolute form, our host", "http://127.0.0.1" + CONTEXT + "/{s}/x.txt{q}", true),
                new Target("absolute form, another host", "http://evil.example" + CONTEXT + "/{s}/x.txt{q}", true),
                new Target("absolute form, file scheme", "file://" + CONTEXT + "/{s}/x.txt{q}", false),
                new Target("asterisk form", "*", false),
                new Target("authority form", "127.0.0.1:80", false),
                new Target("no leading slash", CONTEXT.substring(1) + "/{s}/x.txt{q}", false),
                new Target("empty target", "", false));
        for (Target target : targets) {
            String slot = newSlot();
            String path = target.template.contains("{s}/x.txt") ? slot + "/x.txt" : target.template.contains("{s}") ? slot : "";
            byte[] body = bytes("target case");
            String query = "?v2=" + tokens.sign(TokenProtocol.V2, path, body.length, TEXT);
            String t = target.template.replace("{s}", slot);
            // "PUT  HTTP/1.1" is a method and one word: an HTTP/0.9 request line, whose answer has no status line.
            String http09 = t.isEmpty() ? "the request line has no target, so a container may read it as HTTP/0.9"
                    + " (method and target only) and answer the 0.9 way: a bare body without a status line" : null;
            out.add(Case.of("target PUT [" + target.label + "]", "PUT", t.replace("{q}", query))
                    .header("Content-Type", TEXT).body(body).contentLength()
                    .mayStore(target.mayStore).slot(path).dropAllowed(http09).build());
            out.add(Case.of("target GET [" + target.label + "]", "GET", t.replace("{q}", "")).slot(path).dropAllowed(http09).build());
        }
    }

    // ---- tokens ---------------------------------------------------------------------------------

    /** How a token variant is written into the request, from the valid token and the request's parts. */
    @FunctionalInterface
    interface TokenSpelling {
        Case.Builder apply(String name, String good, String path, byte[] body, Case.Builder request);
    }

    private void tokenCases(List<Case> out) {
        Map<String, TokenSpelling> refused = new LinkedHashMap<>();
        refused.put("non-hex (64 g)", (n, good, p, b, r) -> r.query(n + "=" + "g".repeat(64)));
        refused.put("non-hex (one z in the valid token)", (n, good, p, b, r) -> r.query(n + "=" + good.substring(0, 10) + "z" + good.substring(11)));
        refused.put("non-hex (raw UTF-8 fullwidth digit)", (n, good, p, b, r) -> r.query(n + "=\u00ef\u00bc\u0090" + good.substring(1)));
        refused.put("all zeros", (n, good, p, b, r) -> r.query(n + "=" + "0".repeat(64)));
        refused.put("upper case", (n, good, p, b, r) -> r.query(n + "=" + good.toUpperCase(Locale.ROOT)));
        refused.put("one upper-case digit", (n, good, p, b, r) -> r.query(n + "=" + oneUpper(good)));
        refused.put("63 digits", (n, good, p, b, r) -> r.query(n + "=" + good.substring(1)));
        refused.put("65 digits", (n, good, p, b, r) -> r.query(n + "=" + good + "0"));
        refused.put("128 digits (twice)", (n, good, p, b, r) -> r.query(n + "=" + good + good));
        refused.put("32 digits", (n, good, p, b, r) -> r.query(n + "=" + good.substring(0, 32)));
        refused.put("1 digit", (n, good, p, b, r) -> r.query(n + "=a"));
        refused.put("empty", (n, good, p, b, r) -> r.query(n + "="));
        refused.put("name without =", (n, good, p, b, r) -> r.query(n));
        refused.put("repeated, same valid value", (n, good, p, b, r) -> r.query(n + "=" + good + "&" + n + "=" + good));
        refused.put("repeated, wrong then valid", (n, good, p, b, r) -> r.query(n + "=" + "0".repeat(64) + "&" + n + "=" + good));
        refused.put("repeated, valid then wrong", (n, good, p, b, r) -> r.query(n + "=" + good + "&" + n + "=" + "0".repeat(64)));
        refused.put("repeated, valid then empty", (n, good, p, b, r) -> r.query(n + "=" + good + "&" + n + "="));
        refused.put("percent-encoded hex digits", (n, good, p, b, r) -> r.query(n + "=" + percentEncodeAll(good, false)));
        refused.put("percent-encoded hex digits, upper-case escapes", (n, good, p, b, r) -> r.query(n + "=" + percentEncodeAll(good, true)));
        refused.put("valid + %00", (n, good, p, b, r) -> r.query(n + "=" + good + "%00"));
        refused.put("valid + %20", (n, good, p, b, r) -> r.query(n + "=" + good + "%20"));
        refused.put("valid + plus", (n, good, p, b, r) -> r.query(n + "=" + good + "+"));
        refused.put("plus + valid", (n, good, p, b, r) -> r.query(n + "=+" + good));
        refused.put("valid + ;x=y", (n, good, p, b, r) -> r.query(n + "=" + good + ";x=y"));
        refused.put("valid + %0d%0a", (n, good, p, b, r) -> r.query(n + "=" + good + "%0d%0a"));
        refused.put("0x prefix", (n, good, p, b, r) -> r.query(n + "=0x" + good));
        refused.put("percent-encoded parameter name", (n, good, p, b, r) -> r.query(percentEncodeAll(n, false) + "=" + good));
        refused.put("upper-case parameter name", (n, good, p, b, r) -> r.query(n.toUpperCase(Locale.ROOT) + "=" + good));
        refused.put("parameter name with []", (n, good, p, b, r) -> r.query(n + "[]=" + good));
        refused.put("parameter name with %20", (n, good, p, b, r) -> r.query(n + "%20=" + good));
        refused.put("another secret's token", (n, good, p, b, r) -> r.query(n + "=" + new Tokens("another secret").sign(protocolOf(n), p, b.length, TEXT)));
        refused.put("token for another length", (n, good, p, b, r) -> r.query(n + "=" + tokens.sign(protocolOf(n), p, b.length + 1, TEXT)));
        refused.put("token for another path", (n, good, p, b, r) -> r.query(n + "=" + tokens.sign(protocolOf(n), p + "x", b.length, TEXT)));
        refused.put("token in a path parameter instead of the query", (n, good, p, b, r) -> r.appendToTarget(";" + n + "=" + good));
        refused.put("token in a path parameter of the context", (n, good, p, b, r) -> r.replaceTarget(CONTEXT + ";" + n + "=" + good + "/" + encode(p)));
        refused.put("token after a raw #", (n, good, p, b, r) -> r.appendToTarget("#" + n + "=" + good));
        refused.put("token after a second ?", (n, good, p, b, r) -> r.query("x=1?" + n + "=" + good));
        refused.put("token in an Authorization header", (n, good, p, b, r) -> r.header("Authorization", "Bearer " + good));
        refused.put("token in a header named like the parameter", (n, good, p, b, r) -> r.header(n, good));
        Map<String, TokenSpelling> accepted = new LinkedHashMap<>();
        accepted.put("valid (control)", (n, good, p, b, r) -> r.query(n + "=" + good));
        accepted.put("valid after a leading &", (n, good, p, b, r) -> r.query("&" + n + "=" + good));
        accepted.put("valid before a trailing &", (n, good, p, b, r) -> r.query(n + "=" + good + "&"));
        accepted.put("valid after an unrelated parameter", (n, good, p, b, r) -> r.query("a=b&" + n + "=" + good));
        for (TokenProtocol protocol : TokenProtocol.QUERY_STRING) {
            refused.forEach((label, spelling) -> out.add(tokenCase(protocol, label, spelling, false)));
            accepted.forEach((label, spelling) -> out.add(tokenCase(protocol, label, spelling, true)));
        }
    }

    private Case tokenCase(TokenProtocol protocol, String label, TokenSpelling spelling, boolean mayStore) {
        String path = newSlot() + "/token.txt";
        byte[] body = bytes("token case");
        String good = tokens.sign(protocol, path, body.length, TEXT);
        Case.Builder request = Case.of("token " + protocol.parameter() + " [" + label + "]", "PUT", url(path))
                .header("Content-Type", TEXT).body(body).contentLength().mayStore(mayStore).slot(path);
        return spelling.apply(protocol.parameter(), good, path, body, request).build();
    }

    private void protocolCombinationCases(List<Case> out) {
        String bad = "0".repeat(64);
        record Combination(String label, BiFunction<Map<TokenProtocol, String>, String, String> query, boolean mayStore) {
        }
        List<Combination> combinations = List.of(
                new Combination("v2 wrong + v valid", (g, p) -> "v2=" + bad + "&v=" + g.get(TokenProtocol.V), false),
                new Combination("v valid + v2 wrong", (g, p) -> "v=" + g.get(TokenProtocol.V) + "&v2=" + bad, false),
                new Combination("v2 valid + v wrong", (g, p) -> "v2=" + g.get(TokenProtocol.V2) + "&v=" + bad, true),
                new Combination("token wrong + v valid", (g, p) -> "token=" + bad + "&v=" + g.get(TokenProtocol.V), false),
                new Combination("token valid + v wrong", (g, p) -> "token=" + g.get(TokenProtocol.TOKEN) + "&v=" + bad, true),
                new Combination("v2 wrong + token valid", (g, p) -> "v2=" + bad + "&token=" + g.get(TokenProtocol.TOKEN), false),
                new Combination("v2 valid + token wrong", (g, p) -> "v2=" + g.get(TokenProtocol.V2) + "&token=" + bad, true),
                new Combination("all three valid", (g, p) -> "v=" + g.get(TokenProtocol.V) + "&token=" + g.get(TokenProtocol.TOKEN)
                        + "&v2=" + g.get(TokenProtocol.V2), true),
                new Combination("all three, v2 wrong", (g, p) -> "v=" + g.get(TokenProtocol.V) + "&token=" + g.get(TokenProtocol.TOKEN)
                        + "&v2=" + bad, false),
                new Combination("v2 empty + v valid", (g, p) -> "v2=&v=" + g.get(TokenProtocol.V), false),
                new Combination("v2 without = + v valid", (g, p) -> "v2&v=" + g.get(TokenProtocol.V), false),
                new Combination("v2 repeated + v valid", (g, p) -> "v2=" + g.get(TokenProtocol.V2) + "&v2=" + g.get(TokenProtocol.V2)
                        + "&v=" + g.get(TokenProtocol.V), false),
                new Combination("upper-case V2 valid + v wrong", (g, p) -> "V2=" + g.get(TokenProtocol.V2) + "&v=" + bad, false),
                new Combination("unknown v3 only", (g, p) -> "v3=" + g.get(TokenProtocol.V2), false),
                new Combination("v valid + v2 signed for another type", (g, p) -> "v=" + g.get(TokenProtocol.V) + "&v2="
                        + tokens.sign(TokenProtocol.V2, p, 12, "image/png"), false),
                new Combination("v2 signed as v + v valid", (g, p) -> "v2=" + g.get(TokenProtocol.V) + "&v=" + g.get(TokenProtocol.V), false));
        for (Combination combination : combinations) {
            String path = newSlot() + "/several.txt";
            byte[] body = bytes("several toks"); // 12 bytes, as signed above for another type
            Map<TokenProtocol, String> good = new HashMap<>();
            for (TokenProtocol protocol : TokenProtocol.QUERY_STRING) {
                good.put(protocol, tokens.sign(protocol, path, body.length, TEXT));
            }
            assertEquals(12, body.length);
            out.add(Case.of("protocols [" + combination.label + "]", "PUT", url(path) + "?" + combination.query.apply(good, path))
                    .header("Content-Type", TEXT).body(body).contentLength().mayStore(combination.mayStore).slot(path).build());
        }
    }

    // ---- headers --------------------------------------------------------------------------------

    private void contentLengthCases(List<Case> out) {
        record Length(String label, List<String> values, int bodyBytes, long signed, boolean mayStore, boolean halfClose) {
            Length(String label, List<String> values, int bodyBytes, long signed, boolean mayStore) {
                this(label, values, bodyBytes, signed, mayStore, false);
            }
        }
        List<Length> lengths = List.of(
                new Length("-1, empty body", List.of("-1"), 0, -1, false),
                new Length("-5, 5 body bytes", List.of("-5"), 5, -5, false),
                new Length("+5", List.of("+5"), 5, 5, false),
                new Length("leading space ' 5'", List.of(" 5"), 5, 5, true),
                new Length("trailing space '5 '", List.of("5 "), 5, 5, true),
                new Length("5.0", List.of("5.0"), 5, 5, false),
                new Length("0x5", List.of("0x5"), 5, 5, false),
                new Length("5e0", List.of("5e0"), 5, 5, false),
                new Length("five", List.of("five"), 5, 5, false),
                new Length("empty value", List.of(""), 5, 5, false),
                new Length("5;", List.of("5;"), 5, 5, false),
                new Length("'5 5'", List.of("5 5"), 5, 5, false),
                new Length("Arabic-Indic digit five (raw UTF-8)", List.of("\u00d9\u00a5"), 5, 5, false),
                new Length("fullwidth digit five (raw UTF-8)", List.of("\u00ef\u00bc\u0095"), 5, 5, false),
                new Length("leading zeros 00005", List.of("00005"), 5, 5, true),
                new Length("Long.MAX_VALUE", List.of(Long.toString(Long.MAX_VALUE)), 5, Long.MAX_VALUE, false),
                new Length("Long.MAX_VALUE + 1", List.of("9223372036854775808"), 5, 5, false),
                new Length("2^64", List.of("18446744073709551616"), 5, 5, false),
                new Length("10^30", List.of("1" + "0".repeat(30)), 5, 5, false),
                new Length("Long.MIN_VALUE", List.of(Long.toString(Long.MIN_VALUE)), 5, Long.MIN_VALUE, false),
                new Length("max file size + 1", List.of(Long.toString(MAX_FILE_SIZE + 1)), 5, MAX_FILE_SIZE + 1, false),
                new Length("0 with 5 body bytes", List.of("0"), 5, 0, true),
                new Length("5 with 10 body bytes", List.of("5"), 10, 5, true),
                new Length("100 with 10 body bytes, then half-close", List.of("100"), 10, 100, false, true),
                new Length("duplicated, same value 5/5", List.of("5", "5"), 5, 5, true),
                new Length("duplicated, different values 5/6", List.of("5", "6"), 5, 5, false),
                new Length("duplicated, different values 6/5", List.of("6", "5"), 5, 5, false),
                new Length("list '5, 5' in one field", List.of("5, 5"), 5, 5, true),
                new Length("list '5, 6' in one field", List.of("5, 6"), 5, 5, false),
                new Length("absent, no body", List.of(), 0, 0, false));
        for (Length length : lengths) {
            String path = newSlot() + "/length.bin";
            byte[] body = Arrays.copyOf(bytes("12345678901234567890"), length.bodyBytes);
            Case.Builder request = Case.of("Content-Length [" + length.label + "]", "PUT",
                    url(path) + "?v2=" + tokens.sign(TokenProtocol.V2, path, length.signed, TEXT))
                    .header("Content-Type", TEXT).body(body).mayStore(length.mayStore).slot(path)
                    .stores(Arrays.copyOf(body, (int) Math.max(0, Math.min(body.length, length.signed))));
            for (String value : length.values) {
                request.header("Content-Length", value);
            }
            if (length.halfClose) {
                request.halfClose();
            }
            out.add(request.build());
        }
        // the same length twice under names differing in case
        String path = newSlot() + "/length.bin";
        out.add(Case.of("Content-Length [duplicated as content-length, different values 5/6]", "PUT",
                        url(path) + "?v2=" + tokens.sign(TokenProtocol.V2, path, 5, TEXT))
                .header("Content-Type", TEXT).header("Content-Length", "5").header("content-length", "6")
                .body(bytes("12345")).mayStore(false).slot(path).build());
    }

    private void transferEncodingCases(List<Case> out) {
        byte[] chunked = bytes("5\r\nhello\r\n0\r\n\r\n");
        record Encoding(String label, List<String[]> headers, byte[] body) {
        }
        List<Encoding> encodings = List.of(
                new Encoding("chunked, no Content-Length", hs(h("Transfer-Encoding", "chunked")), chunked),
                new Encoding("chunked + Content-Length 5", hs(h("Transfer-Encoding", "chunked"), h("Content-Length", "5")), chunked),
                new Encoding("Content-Length 5 + chunked", hs(h("Content-Length", "5"), h("Transfer-Encoding", "chunked")), chunked),
                new Encoding("chunked + Content-Length of the encoded body",
                        hs(h("Transfer-Encoding", "chunked"), h("Content-Length", Integer.toString(chunked.length))), chunked),
                new Encoding("Chunked (capitalised), no Content-Length", hs(h("Transfer-Encoding", "Chunked")), chunked),
                new Encoding("chunked twice", hs(h("Transfer-Encoding", "chunked"), h("Transfer-Encoding", "chunked")), chunked),
                new Encoding("chunked, chunked in one field", hs(h("Transfer-Encoding", "chunked, chunked")), chunked),
                new Encoding("chunked with a chunk extension", hs(h("Transfer-Encoding", "chunked")),
                        bytes("5;name=value\r\nhello\r\n0\r\n\r\n")),
                new Encoding("chunked with a malformed chunk size", hs(h("Transfer-Encoding", "chunked")),
                        bytes("zz\r\nhello\r\n0\r\n\r\n")),
                new Encoding("chunked with a huge chunk size", hs(h("Transfer-Encoding", "chunked")),
                        bytes("ffffffffffffffffffff\r\nhello\r\n0\r\n\r\n")),
                new Encoding("chunked + Content-Length -1", hs(h("Transfer-Encoding", "chunked"), h("Content-Length", "-1")), chunked));
        for (Encoding encoding : encodings) {
            String path = newSlot() + "/chunked.txt";
            Case.Builder request = Case.of("Transfer-Encoding [" + encoding.label + "]", "PUT",
                            url(path) + "?v2=" + tokens.sign(TokenProtocol.V2, path, 5, TEXT))
                    .header("Content-Type", TEXT).body(encoding.body).mayStore(false).slot(path);
            for (String[] header : encoding.headers) {
                request.header(header[0], header[1]);
            }
            out.add(request.build());
        }
    }

    private void contentTypeCases(List<Case> out) {
        String allHigh = highBytes();
        record Type(String label, String wire, String visible, boolean framingIntact) {
        }
        // wire: the header value as sent (one char per byte); visible: what the service should see
        // when the container parses it as intended (null: not that value).
        List<Type> types = List.of(
                new Type("CRLF injection", "text/plain\r\nX-Injected: yes", null, true),
                new Type("bare CR injection", "text/plain\rX-Injected: yes", null, true),
                new Type("bare LF injection", "text/plain\nX-Injected: yes", null, true),
                new Type("CRLF CRLF smuggled request", "text/plain\r\n\r\nGET " + CONTEXT + "/x HTTP/1.1\r\nX-Smuggled: yes", null, false),
                new Type("CRLF + second Content-Length", "text/plain\r\nContent-Length: 0", null, false),
                new Type("CRLF + Transfer-Encoding", "text/plain\r\nTransfer-Encoding: chunked", null, false),
                new Type("obs-fold continuation", "text/plain\r\n X-Folded: yes", null, true),
                new Type("literal %0d%0a", "text/plain%0d%0aX-Injected:%20yes", "text/plain%0d%0aX-Injected:%20yes", true),
                new Type("NUL byte", "text/plain\u0000", "text/plain\u0000", true),
                new Type("raw DEL", "text/pl\u007fain", "text/pl\u007fain", true),
                new Type("raw 0x01", "text/pl\u0001ain", "text/pl\u0001ain", true),
                new Type("empty", "", "", true),
                new Type("only spaces", "   ", "", true),
                new Type("surrounded by spaces", "  text/plain  ", TEXT, true),
                new Type("tab inside", "text/plain;\tcharset=utf-8", "text/plain;\tcharset=utf-8", true),
                new Type("300 characters", "text/plain; x=" + "y".repeat(286), "text/plain; x=" + "y".repeat(286), true),
                new Type("7000 characters", "text/plain; x=" + "y".repeat(6986), "text/plain; x=" + "y".repeat(6986), true),
                new Type("20000 characters", "text/plain; x=" + "y".repeat(19986), "text/plain; x=" + "y".repeat(19986), true),
                new Type("raw ISO-8859-1 byte 0xe9", "text/plain; name=\"caf\u00e9\"", "text/plain; name=\"caf\u00e9\"", true),
                new Type("raw UTF-8 e-acute", "text/plain; name=\"caf\u00c3\u00a9\"", "text/plain; name=\"caf\u00c3\u00a9\"", true),
                new Type("every byte 0x80-0xff", "text/plain; x=\"" + allHigh + "\"", "text/plain; x=\"" + allHigh + "\"", true),
                new Type("text/html", "text/html", "text/html", true),
                new Type("image/svg+xml", "image/svg+xml", "image/svg+xml", true),
                new Type("form-urlencoded", "application/x-www-form-urlencoded", "application/x-www-form-urlencoded", true),
                new Type("multipart form data", "multipart/form-data; boundary=xyz", "multipart/form-data; boundary=xyz", true),
                new Type("two types in one value", "image/png, text/html", "image/png, text/html", true),
                new Type("quoted whole value", "\"text/html\"", "\"text/html\"", true));
        for (Type type : types) {
            for (TokenProtocol protocol : TokenProtocol.QUERY_STRING) {
                String path = newSlot() + "/typed.bin";
                byte[] body = type.label.equals("form-urlencoded") ? bytes("v=0&v2=1&token=2") : bytes("content type case");
                byte[] wire = type.wire.getBytes(StandardCharsets.ISO_8859_1);
                String token = signBytes(protocol, path, body.length, wire);
                boolean visibleIsSigned = type.visible != null && type.visible.equals(type.wire);
                boolean mayStore = type.framingIntact && (!protocol.signsContentType() || visibleIsSigned);
                if (type.label.equals("surrounded by spaces") || type.label.equals("only spaces")) {
                    // Optional whitespace is not part of the value: sign what the service must see.
                    token = signBytes(protocol, path, body.length, type.visible.getBytes(StandardCharsets.ISO_8859_1));
                    mayStore = true;
                }
                out.add(Case.of("Content-Type " + protocol.parameter() + " [" + type.label + "]", "PUT",
                                url(path) + "?" + protocol.parameter() + "=" + token)
                        .header("Content-Type", type.wire).body(body).contentLength().mayStore(mayStore).slot(path).build());
            }
        }
        for (TokenProtocol protocol : TokenProtocol.QUERY_STRING) {
            String path = newSlot() + "/typed.bin";
            byte[] body = bytes("two types");
            out.add(Case.of("Content-Type " + protocol.parameter() + " [duplicated text/plain + text/html, first signed]", "PUT",
                            url(path) + "?" + protocol.parameter() + "=" + tokens.sign(protocol, path, body.length, TEXT))
                    .header("Content-Type", TEXT).header("Content-Type", "text/html").body(body).contentLength()
                    .mayStore(true).slot(path).build());
            String spaced = newSlot() + "/typed.bin";
            out.add(Case.of("Content-Type " + protocol.parameter() + " [space before the colon]", "PUT",
                            url(spaced) + "?" + protocol.parameter() + "=" + tokens.sign(protocol, spaced, body.length, TEXT))
                    .header("Content-Type ", TEXT).body(body).contentLength()
                    .mayStore(!protocol.signsContentType()).slot(spaced).build());
        }
    }

    private void otherHeaderCases(List<Case> out) {
        record Extra(String label, String method, boolean validToken, List<String[]> headers, boolean mayStore, String note) {
        }
        List<Extra> extras = List.of(
                new Extra("Expect: 100-continue, wrong token", "PUT", false, hs(h("Expect", "100-continue")), false, null),
                new Extra("Expect: 100-continue, valid token", "PUT", true, hs(h("Expect", "100-continue")), true, null),
                new Extra("unknown Expect value, valid token", "PUT", true, hs(h("Expect", "x-unknown")), true,
                        "RFC 9110 10.1.1 allows 417 for an unknown expectation"),
                new Extra("second Host header, valid token", "PUT", true, hs(h("Host", "evil.example")), true,
                        "RFC 9112 3.2: a server MUST answer 400 to a request with more than one Host"),
                new Extra("Content-Range on a PUT, valid token", "PUT", true, hs(h("Content-Range", "bytes 0-4/100")), true,
                        "RFC 9110 14.5: an origin server that allows PUT MUST answer 400 to a PUT with Content-Range"),
                new Extra("Content-Encoding: gzip on a body that is not gzip, valid token", "PUT", true,
                        hs(h("Content-Encoding", "gzip")), true, null),
                new Extra("X-HTTP-Method-Override: PUT on a POST, valid token", "POST", true,
                        hs(h("X-HTTP-Method-Override", "PUT")), false, null),
                new Extra("X-HTTP-Method-Override: PUT on a GET, valid token", "GET", true,
                        hs(h("X-HTTP-Method-Override", "PUT")), false, null),
                new Extra("_method=PUT in the query of a POST, valid token", "POST", true, hs(), false, null));
        for (Extra extra : extras) {
            String path = newSlot() + "/extra.txt";
            byte[] body = bytes("extra header case");
            String token = extra.validToken ? tokens.sign(TokenProtocol.V2, path, body.length, TEXT) : "0".repeat(64);
            String query = "?v2=" + token + (extra.label.startsWith("_method") ? "&_method=PUT" : "");
            Case.Builder request = Case.of("header [" + extra.label + "]", extra.method, url(path) + query)
                    .header("Content-Type", TEXT).body(body).contentLength().mayStore(extra.mayStore).slot(path).note(extra.note);
            for (String[] header : extra.headers) {
                request.header(header[0], header[1]);
            }
            out.add(request.build());
        }
    }

    // ---- methods --------------------------------------------------------------------------------

    private void methodCases(List<Case> out) {
        List<String> methods = List.of("TRACE", "CONNECT", "PROPFIND", "PROPPATCH", "MKCOL", "COPY", "MOVE", "LOCK", "UNLOCK",
                "DELETE", "PATCH", "POST", "put", "Put", "pUT", "SEARCH", "REPORT", "LINK", "QUERY", "PRI", "M-SEARCH",
                "XYZZY", "<script>", "PUT\u0000", "P\u00dcT", "PU\tT", "PUT ", "GARBAGE" + "X".repeat(1000), "HEAD", "OPTIONS");
        for (String method : methods) {
            String label = method.length() > 40 ? method.substring(0, 7) + " + 1000 X"
                    : method.equals("PUT ") ? "PUT and two spaces" : printable(method);
            String path = newSlot() + "/method.txt";
            byte[] body = bytes("method case");
            String token = tokens.sign(TokenProtocol.V2, path, body.length, TEXT);
            // "PUT " makes a request line with two spaces, which a lenient parser may read as PUT.
            boolean isPut = method.equals("PUT ");
            out.add(Case.of("method " + label + " [valid v2 token and body]", method, url(path) + "?v2=" + token)
                    .header("Content-Type", TEXT).body(body).contentLength().mayStore(isPut).slot(path).build());
            out.add(Case.of("method " + label + " [no token, body]", method, url(path))
                    .header("Content-Type", TEXT).body(body).contentLength().mayStore(false).slot(path).build());
            out.add(Case.of("method " + label + " [no token, no body]", method, url(path)).mayStore(false).slot(path).build());
        }
        out.add(Case.of("method CONNECT [authority form]", "CONNECT", "127.0.0.1:80").slot(null).build());
    }

    // =============================================================================================
    // Symlinks planted in the storage root
    // =============================================================================================

    @Order(2)
    @Test
    void aSymlinkForAStoredFileIsNeverFollowedOutOfTheRoot() throws Exception {
        Path outside = Files.createDirectories(sandbox.resolve("outside-files"));

        // 1. A stored file moved out of the root and replaced by a symlink to it.
        String moved = newSlot() + "/moved.txt";
        byte[] outsideBytes = bytes("OUTSIDE-" + UUID.randomUUID());
        assertEquals(201, put(moved, outsideBytes).status());
        Path entry = storedFileOf(moved);
        Path movedOut = outside.resolve("moved-out");
        Files.move(entry, movedOut);
        Files.createSymbolicLink(entry, movedOut);
        byte[] movedOutBefore = Files.readAllBytes(movedOut);

        List<String> observed = new ArrayList<>();
        for (Response read : List.of(get(moved), RawHttp.request("HEAD", url(moved)).send(port()),
                RawHttp.request("GET", url(moved)).header("Range", "bytes=0-3").send(port()))) {
            observed.add("read of a symlinked stored file: " + read.status());
            assertRefusedWithout(read, outsideBytes);
        }
        Response rewrite = put(moved, bytes("REWRITTEN-" + UUID.randomUUID()));
        observed.add("PUT to a symlinked stored file: " + rewrite.status());
        assertFalse(isSuccess(rewrite), "PUT through a symlinked stored file: " + rewrite.status());
        assertArrayEquals(movedOutBefore, Files.readAllBytes(movedOut), "the outside file was written through the link");
        assertTrue(Files.isSymbolicLink(entry));

        // 2. A symlink where a slot's file would be, to an outside file that exists.
        String planted = newSlot() + "/planted.txt";
        Path plantedTarget = outside.resolve("planted-target");
        byte[] original = bytes("ORIGINAL-OUTSIDE-" + UUID.randomUUID());
        Files.write(plantedTarget, original);
        Files.createSymbolicLink(storedFileOf(planted), plantedTarget);
        Response plantedPut = put(planted, bytes("WRITE-THROUGH-ATTEMPT"));
        observed.add("PUT to a slot whose file is a planted symlink: " + plantedPut.status());
        assertFalse(isSuccess(plantedPut), "PUT through a planted symlink: " + plantedPut.status());
        assertArrayEquals(original, Files.readAllBytes(plantedTarget), "the outside file was written through the link");
        Response plantedGet = get(planted);
        observed.add("GET of a slot whose file is a planted symlink: " + plantedGet.status());
        assertRefusedWithout(plantedGet, original);

        // 3. A dangling symlink where a slot's file would be: nothing may be created at its target.
        String dangling = newSlot() + "/dangling.txt";
        Path danglingTarget = outside.resolve(MARKER + "-dangling-target");
        Files.createSymbolicLink(storedFileOf(dangling), danglingTarget);
        Response danglingPut = put(dangling, bytes("CREATE-THROUGH-ATTEMPT"));
        observed.add("PUT to a slot whose file is a dangling symlink: " + danglingPut.status());
        assertFalse(isSuccess(danglingPut), "PUT through a dangling symlink: " + danglingPut.status());
        assertFalse(Files.exists(danglingTarget, LinkOption.NOFOLLOW_LINKS), "the PUT created the link's outside target");
        Response danglingGet = get(dangling);
        observed.add("GET of a slot whose file is a dangling symlink: " + danglingGet.status());
        assertFalse(isSuccess(danglingGet));

        // 4. A symlink to a directory outside where a slot's file would be.
        String toDirectory = newSlot() + "/directory.txt";
        Files.createSymbolicLink(storedFileOf(toDirectory), outside);
        Set<Path> outsideBefore = listing(outside);
        Response directoryPut = put(toDirectory, bytes("INTO-THE-DIRECTORY"));
        observed.add("PUT to a slot whose file is a symlink to an outside directory: " + directoryPut.status());
        assertFalse(isSuccess(directoryPut));
        assertEquals(outsideBefore, listing(outside), "the PUT created a file in the outside directory");
        Response directoryGet = get(toDirectory);
        observed.add("GET of a slot whose file is a symlink to an outside directory: " + directoryGet.status());
        assertFalse(isSuccess(directoryGet));
        System.out.println(containerName() + " symlinked files: " + observed);
    }

    @Order(3)
    @Test
    void aSymlinkedShardDirectoryIsNeverFollowedOutOfTheRoot() throws Exception {
        Path outside = Files.createDirectories(sandbox.resolve("outside-shard"));
        String served = newSlot() + "/served.txt";
        String shard = StorageLayout.hashOf(served).substring(0, 2);
        String uploaded;
        do {
            uploaded = newSlot() + "/uploaded.txt";
        } while (!StorageLayout.hashOf(uploaded).startsWith(shard));
        byte[] content = bytes("INSIDE-" + UUID.randomUUID());
        assertEquals(201, put(served, content).status());

        // The whole shard moves out of the root and a symlink takes its place; the served file's
        // content out there is then changed, so that a read through the link is recognisable.
        Path shardDir = storage.resolve("files").resolve(shard);
        Path outsideShard = outside.resolve("shard-" + shard);
        Files.move(shardDir, outsideShard);
        Files.createSymbolicLink(shardDir, outsideShard);
        byte[] outsideBytes = ("OUTSIDE" + "!".repeat(content.length - 7)).getBytes(StandardCharsets.US_ASCII);
        Path outsideFile = outsideShard.resolve(StorageLayout.hashOf(served));
        try (RandomAccessFile file = new RandomAccessFile(outsideFile.toFile(), "rw")) {
            file.seek(file.length() - content.length);
            file.write(outsideBytes);
        }
        Set<Path> outsideBefore = listing(outsideShard);
        try {
            Response read = get(served);
            Response upload = put(uploaded, bytes("THROUGH-THE-SHARD-LINK"));
            Set<Path> outsideAfter = listing(outsideShard);
            System.out.println(containerName() + " symlinked shard: GET " + read.status() + ", PUT " + upload.status()
                    + ", files created outside: " + (outsideAfter.size() - outsideBefore.size()));
            List<String> problems = new ArrayList<>();
            if (isSuccess(read) || contains(read.body(), outsideBytes)) {
                problems.add("GET " + url(served) + " answered " + read.status() + " with the bytes of "
                        + outsideFile + " (outside the root, reached through the symlink files/" + shard + ")");
            }
            if (isSuccess(upload) || !outsideAfter.equals(outsideBefore)) {
                problems.add("PUT " + url(uploaded) + " answered " + upload.status() + " and created "
                        + difference(outsideBefore, outsideAfter) + " outside the root, through the symlink files/" + shard);
            }
            assertTrue(problems.isEmpty(), containerName() + ": " + problems);
        } finally {
            Files.delete(shardDir);
            Files.move(outsideShard, shardDir);
        }
    }

    @Order(4)
    @Test
    void aSymlinkedTmpDirectoryIsNeverWrittenThrough() throws Exception {
        Path outsideTmp = Files.createDirectories(sandbox.resolve("outside-tmp"));
        Path tmp = storage.resolve("tmp");
        Path tmpAside = storage.resolve("tmp-aside");
        Files.move(tmp, tmpAside);
        Files.createSymbolicLink(tmp, outsideTmp);
        String path = newSlot() + "/through-tmp.txt";
        List<String> created = new ArrayList<>();
        Response upload;
        try (WatchService watcher = FileSystems.getDefault().newWatchService()) {
            outsideTmp.register(watcher, StandardWatchEventKinds.ENTRY_CREATE);
            upload = put(path, bytes("THROUGH-THE-TMP-LINK"));
            // inotify events are queued before the write returns, so the answer's arrival suffices.
            WatchKey key = watcher.poll();
            if (key != null) {
                key.pollEvents().forEach(event -> created.add(String.valueOf(event.context())));
            }
        } finally {
            Files.delete(tmp);
            Files.move(tmpAside, tmp);
        }
        System.out.println(containerName() + " symlinked tmp: PUT " + upload.status() + ", files created outside: " + created);
        assertTrue(created.isEmpty(), containerName() + ": PUT " + url(path) + " answered " + upload.status()
                + " after writing " + created + " in " + outsideTmp + " (outside the root) through the symlink tmp/");
    }

    // =============================================================================================
    // The secret in logs and responses
    // =============================================================================================

    @Order(5)
    @Test
    void theSecretNeverAppearsInALogLineOrAResponse() throws Exception {
        List<Response> responses = new ArrayList<>();
        List<String> startFailures = new ArrayList<>();
        String log;
        // The root logger's level is what the capture sets; Tomcat's own start-up capture resets it
        // to INFO for its duration, so the packages that log are opened to ALL on their own loggers
        // (held in the map: java.util.logging keeps loggers only weakly).
        Map<Logger, Level> previous = new HashMap<>();
        for (String name : List.of("org.apache", "org.eclipse", "io.github.httpupload", "jakarta")) {
            Logger logger = Logger.getLogger(name);
            previous.put(logger, logger.getLevel());
            logger.setLevel(Level.ALL);
        }
        try (LogCapture capture = new LogCapture(Level.ALL)) {
            Path secretFile = Files.write(sandbox.resolve("secret.txt"), bytes(SECRET + "\n"));
            Path notADirectory = Files.write(sandbox.resolve("not-a-directory"), bytes("x"));
            List<Map<String, String>> badConfigurations = List.of(
                    Map.of(Parameters.SECRET, SECRET, Parameters.STORAGE_DIR, sandbox.resolve("bad-1").toString(),
                            Parameters.MAX_FILE_SIZE, "100M"),
                    Map.of(Parameters.SECRET, SECRET, Parameters.SECRET_FILE, secretFile.toString(),
                            Parameters.STORAGE_DIR, sandbox.resolve("bad-2").toString()),
                    Map.of(Parameters.SECRET, SECRET, Parameters.STORAGE_DIR, "relative/storage"),
                    Map.of(Parameters.SECRET, SECRET, Parameters.STORAGE_DIR, notADirectory.toString()),
                    Map.of(Parameters.SECRET, SECRET, Parameters.STORAGE_DIR, sandbox.resolve("bad-5").toString(),
                            Parameters.PROTOCOLS, "v3"),
                    Map.of(Parameters.SECRET, SECRET, Parameters.STORAGE_DIR, sandbox.resolve("bad-6").toString(),
                            Parameters.FSYNC, "yes"),
                    // an operator's typo: the secret under a misspelt name, no secret under the right one
                    Map.of("httpupload.secrett", SECRET, Parameters.STORAGE_DIR, sandbox.resolve("bad-7").toString()),
                    Map.of(Parameters.SECRET_FILE, sandbox.resolve("no-such-secret-file").toString(),
                            Parameters.STORAGE_DIR, sandbox.resolve("bad-8").toString()));
            for (Map<String, String> configuration : badConfigurations) {
                try (TestServer bad = container().start(configuration, true)) {
                    assertFalse(bad.started(), "a bad configuration started: " + configuration.keySet());
                    startFailures.add(bad.startFailure());
                }
            }

            try (TestServer good = container().start(Map.of(
                    Parameters.SECRET, SECRET,
                    Parameters.STORAGE_DIR, sandbox.resolve("secret-storage").toString(),
                    Parameters.MAX_FILE_SIZE, Long.toString(MAX_FILE_SIZE),
                    "httpupload.unknownParameter", "a typo"), true)) {
                assertTrue(good.started(), good.startFailure());
                int port = good.port();
                String path = newSlot() + "/logged.txt";
                byte[] content = bytes("logged content");
                String v2 = tokens.sign(TokenProtocol.V2, path, content.length, TEXT);
                responses.add(send(port, "PUT", url(path) + "?v2=" + v2, content, "Content-Type", TEXT));
                responses.add(send(port, "PUT", url(path) + "?v2=" + v2, content, "Content-Type", TEXT)); // 409
                responses.add(RawHttp.request("GET", url(path)).send(port));
                responses.add(RawHttp.request("HEAD", url(path)).send(port));
                responses.add(RawHttp.request("GET", url(path)).header("Range", "bytes=1-3").send(port));
                String other = newSlot() + "/other.txt";
                responses.add(send(port, "PUT", url(other) + "?v=" + tokens.sign(TokenProtocol.V, other, content.length, null), content));
                responses.add(send(port, "PUT", url(other + "x") + "?v2=" + tokens.sign(TokenProtocol.V2, other + "x", content.length, "text/html"),
                        content, "Content-Type", TEXT)); // 403, logged at FINE with the signed string
                responses.add(send(port, "PUT", url(other + "y"), content)); // 403 missing
                responses.add(send(port, "PUT", CONTEXT + "/" + newSlot() + "/%2e%2e/x?v=" + "0".repeat(64), content)); // 400
                responses.add(RawHttp.request("PUT", url(other + "z") + "?v=" + "0".repeat(64)).header("Transfer-Encoding", "chunked")
                        .body(new ByteArrayInputStream(bytes("5\r\nhello\r\n0\r\n\r\n"))).send(port)); // 411
                responses.add(RawHttp.request("PUT", url(other + "w") + "?v=" + "0".repeat(64))
                        .header("Content-Length", MAX_FILE_SIZE + 1).send(port)); // 413
                responses.add(RawHttp.request("DELETE", url(path)).send(port)); // 405
                responses.add(RawHttp.request("GET", url(newSlot() + "/missing.txt")).send(port)); // 404
                responses.add(RawHttp.request("GET", CONTEXT + "/" + newSlot() + "/a\u0001b").send(port)); // container 400
                // an upload that ends early: 400 after the body was read
                String incomplete = newSlot() + "/incomplete.bin";
                responses.add(exchangeRaw(port, Case.of("incomplete", "PUT",
                                url(incomplete) + "?v=" + tokens.sign(TokenProtocol.V, incomplete, 100, null))
                        .header("Content-Length", "100").body(new byte[10]).halfClose().build()));
                // a stored file damaged on disk: the service fails (500) and logs the failure
                String damaged = newSlot() + "/damaged.txt";
                assertEquals(201, send(port, "PUT", url(damaged) + "?v=" + tokens.sign(TokenProtocol.V, damaged, 7, null),
                        bytes("damaged")).status());
                try (RandomAccessFile file = new RandomAccessFile(sandbox.resolve("secret-storage").resolve("files")
                        .resolve(StorageLayout.hashOf(damaged).substring(0, 2)).resolve(StorageLayout.hashOf(damaged)).toFile(), "rw")) {
                    file.setLength(3);
                }
                responses.add(RawHttp.request("GET", url(damaged)).send(port));
            }
            log = capture.text();
        } finally {
            previous.forEach(Logger::setLevel);
        }

        String hex = HexFormat.of().formatHex(SECRET.getBytes(StandardCharsets.UTF_8));
        String base64 = Base64.getEncoder().encodeToString(SECRET.getBytes(StandardCharsets.UTF_8));
        List<String> leaks = new ArrayList<>();
        log.lines().filter(line -> line.contains(SECRET) || line.contains(hex) || line.contains(base64))
                .forEach(line -> leaks.add("log: " + abbreviate(line, 400)));
        for (String failure : startFailures) {
            if (failure.contains(SECRET)) {
                leaks.add("start failure: " + abbreviate(failure, 400));
            }
        }
        for (Response response : responses) {
            String text = response.headers() + " " + response.text();
            if (text.contains(SECRET) || text.contains(hex) || text.contains(base64)) {
                leaks.add("response " + response.status() + ": " + abbreviate(text, 400));
            }
        }
        System.out.println(containerName() + " secret check: " + log.lines().count() + " log lines captured, statuses "
                + responses.stream().map(Response::status).toList());
        assertTrue(leaks.isEmpty(), containerName() + ": " + leaks);
        // The capture saw what it was meant to see.
        assertTrue(log.contains("http-upload-servlet HmacAuthFilter [") && log.contains("secret=(set)"), abbreviate(log, 2000));
        assertTrue(log.contains("Invalid configuration parameter") || String.join("\n", startFailures).contains("Invalid configuration parameter"),
                abbreviate(log, 2000));
        assertTrue(log.contains("the signed string was"), "the FINE line of a rejected token was not captured");
        // Valid, refused and failing requests all ran (the damaged file's GET is the failing one).
        List<Integer> statuses = responses.stream().map(Response::status).toList();
        assertTrue(statuses.containsAll(List.of(201, 409, 200, 206, 403, 400, 411, 413, 405, 404)), statuses.toString());
        assertFalse(isSuccess(responses.get(responses.size() - 1)), "the damaged file was served: " + statuses);
    }

    // =============================================================================================
    // A valid upload still works at the end
    // =============================================================================================

    @Order(6)
    @Test
    void aValidUploadStillWorksAfterEverything() throws IOException {
        for (TokenProtocol protocol : TokenProtocol.QUERY_STRING) {
            String path = newSlot() + "/control " + protocol + " très.txt";
            byte[] content = bytes("control upload with " + protocol);
            String token = tokens.sign(protocol, path, content.length, TEXT);
            Response put = send(port(), "PUT", url(path) + "?" + protocol.parameter() + "=" + token, content, "Content-Type", TEXT);
            assertEquals(201, put.status(), put.text());
            Response get = get(path);
            assertEquals(200, get.status());
            assertArrayEquals(content, get.body());
        }
    }

    // =============================================================================================
    // Sending
    // =============================================================================================

    enum Kind { UPLOAD, READ, OPTIONS, OTHER }

    /** One request of the corpus, exactly as it goes on the wire, and what it may legitimately achieve. */
    static final class Case {
        final String name;
        final String method;
        final String target;
        final List<String[]> headers;
        final byte[] body;
        final boolean halfClose;
        final Kind kind;
        /** For an upload: whether a 2xx is legitimate (a valid token for exactly this request, a legal path). */
        final boolean mayStore;
        /** The decoded slot path the request names, or null when it names none. */
        final String slotPath;
        final byte[] stores;
        final String dropAllowed;
        final String note;

        private Case(Builder b) {
            name = b.name;
            method = b.method;
            target = b.target;
            headers = List.copyOf(b.headers);
            body = b.body;
            halfClose = b.halfClose;
            String trimmed = method.trim();
            kind = trimmed.equals("PUT") && (method.equals("PUT") || b.mayStore) ? Kind.UPLOAD
                    : method.equals("GET") || method.equals("HEAD") ? Kind.READ
                    : method.equals("OPTIONS") ? Kind.OPTIONS : Kind.OTHER;
            mayStore = b.mayStore;
            slotPath = b.slotPath;
            stores = b.stores;
            dropAllowed = b.dropAllowed;
            note = b.note;
        }

        static Builder of(String name, String method, String target) {
            return new Builder(name, method, target);
        }

        byte[] storedBytes() {
            return stores != null ? stores : body;
        }

        /**
         * Whether RawHttp cannot send it: it cannot repeat a header name or half-close, and it would
         * take an interim {@code 100 Continue} for the answer.
         */
        boolean needsRawSocket() {
            Set<String> names = new HashSet<>();
            for (String[] header : headers) {
                if (!names.add(header[0]) || header[0].equalsIgnoreCase("Expect")) {
                    return true;
                }
            }
            return halfClose;
        }

        /** The bytes RawHttp (or the raw socket) sends: request line, Host, headers, Connection: close, body. */
        byte[] wire() {
            StringBuilder head = new StringBuilder();
            head.append(method).append(' ').append(target).append(" HTTP/1.1\r\n");
            head.append("Host: 127.0.0.1\r\n");
            for (String[] header : headers) {
                head.append(header[0]).append(": ").append(header[1]).append("\r\n");
            }
            head.append("Connection: close\r\n\r\n");
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            bytes.writeBytes(head.toString().getBytes(StandardCharsets.ISO_8859_1));
            bytes.writeBytes(body);
            return bytes.toByteArray();
        }

        /** The request bytes, non-printable ones escaped, long runs shortened. */
        String shown() {
            return abbreviate(printable(new String(wire(), StandardCharsets.ISO_8859_1)), 1500)
                    + (halfClose ? " [then half-closed]" : "");
        }

        @Override
        public String toString() {
            return name;
        }

        static final class Builder {
            private final String name;
            private final String method;
            private String target;
            private final List<String[]> headers = new ArrayList<>();
            private byte[] body = new byte[0];
            private boolean halfClose;
            private boolean mayStore;
            private String slotPath;
            private byte[] stores;
            private String dropAllowed;
            private String note;

            private Builder(String name, String method, String target) {
                this.name = name;
                this.method = method;
                this.target = target;
            }

            Builder header(String name, String value) {
                headers.add(new String[] {name, value});
                return this;
            }

            Builder body(byte[] bytes) {
                body = bytes;
                return this;
            }

            Builder contentLength() {
                return header("Content-Length", Integer.toString(body.length));
            }

            Builder query(String query) {
                target = target + "?" + query;
                return this;
            }

            Builder appendToTarget(String text) {
                target = target + text;
                return this;
            }

            Builder replaceTarget(String newTarget) {
                target = newTarget;
                return this;
            }

            Builder halfClose() {
                halfClose = true;
                return this;
            }

            Builder mayStore(boolean may) {
                mayStore = may;
                return this;
            }

            Builder slot(String path) {
                slotPath = path;
                return this;
            }

            Builder stores(byte[] bytes) {
                stores = bytes;
                return this;
            }

            Builder dropAllowed(String reason) {
                dropAllowed = reason;
                return this;
            }

            Builder note(String text) {
                note = text;
                return this;
            }

            Case build() {
                return new Case(this);
            }
        }
    }

    /** Sends with RawHttp (one per case, one connection) where it can express the case, else on a raw socket. */
    private Response send(Case c) throws IOException {
        if (c.needsRawSocket()) {
            return exchangeRaw(port(), c);
        }
        RawHttp request = RawHttp.request(c.method, c.target);
        for (String[] header : c.headers) {
            request.header(header[0], header[1]);
        }
        return request.body(new ByteArrayInputStream(c.body)).send(port());
    }

    /** The case's exact bytes on a socket; the write side is shut down after them when the case says so. */
    private static Response exchangeRaw(int port, Case c) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(RAW_TIMEOUT_MILLIS);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(c.wire());
                out.flush();
                if (c.halfClose) {
                    socket.shutdownOutput();
                }
            } catch (IOException e) {
                // The server may have answered and closed before taking every byte: read its answer.
            }
            return Response.read(socket.getInputStream(), c.method.equals("HEAD"));
        }
    }

    private Response send(int port, String method, String target, byte[] body, String... headers) throws IOException {
        RawHttp request = RawHttp.request(method, target);
        for (int i = 0; i < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return request.body(body).send(port);
    }

    private Response put(String path, byte[] content) throws IOException {
        return send(port(), "PUT", url(path) + "?v2=" + tokens.sign(TokenProtocol.V2, path, content.length, TEXT), content,
                "Content-Type", TEXT);
    }

    private Response get(String path) throws IOException {
        return RawHttp.request("GET", url(path)).send(port());
    }

    private int port() {
        return server.port();
    }

    // =============================================================================================
    // The reference model: decoding, legality, signing — written independently of production code
    // =============================================================================================

    /** Percent-decodes the target's bytes once (RFC 3986) and reads them as strict UTF-8; null if either fails. */
    static String strictDecode(String raw) {
        byte[] decoded = percentDecode(raw, true);
        if (decoded == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(decoded)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** What a careless decoder makes of the path: bad escapes kept, bad UTF-8 replaced. */
    static String lenientDecode(String raw) {
        return new String(percentDecode(raw, false), StandardCharsets.UTF_8);
    }

    private static byte[] percentDecode(String raw, boolean strict) {
        byte[] in = raw.getBytes(StandardCharsets.ISO_8859_1);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int i = 0; i < in.length; i++) {
            if (in[i] == '%') {
                int high = i + 2 < in.length ? hexDigit(in[i + 1]) : -1;
                int low = high >= 0 ? hexDigit(in[i + 2]) : -1;
                if (high >= 0 && low >= 0) {
                    out.write(high << 4 | low);
                    i += 2;
                    continue;
                }
                if (strict) {
                    return null;
                }
            }
            out.write(in[i]);
        }
        return out.toByteArray();
    }

    private static int hexDigit(byte b) {
        return b >= '0' && b <= '9' ? b - '0' : b >= 'a' && b <= 'f' ? b - 'a' + 10 : b >= 'A' && b <= 'F' ? b - 'A' + 10 : -1;
    }

    /** README, PUT 400: empty, an empty segment, . or .., a backslash, a control character, under 2 segments. */
    static boolean legal(String decoded) {
        if (decoded.isEmpty()) {
            return false;
        }
        String[] segments = decoded.split("/", -1);
        if (segments.length < 2) {
            return false;
        }
        for (String segment : segments) {
            if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
                return false;
            }
        }
        return decoded.chars().noneMatch(c -> c == '\\' || c < 0x20 || c >= 0x7f && c <= 0x9f);
    }

    /** A token over the exact bytes of the Content-Type as sent (docs/protocol.md#the-signed-message), where Tokens would UTF-8 encode them. */
    static String signBytes(TokenProtocol protocol, String path, long length, byte[] contentType) {
        ByteArrayOutputStream message = new ByteArrayOutputStream();
        message.writeBytes(path.getBytes(StandardCharsets.UTF_8));
        if (protocol == TokenProtocol.V) {
            message.writeBytes((" " + length).getBytes(StandardCharsets.US_ASCII));
        } else {
            message.write(0);
            message.writeBytes(Long.toString(length).getBytes(StandardCharsets.US_ASCII));
            message.write(0);
            message.writeBytes(contentType);
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            return HexFormat.of().formatHex(mac.doFinal(message.toByteArray()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static TokenProtocol protocolOf(String parameter) {
        for (TokenProtocol protocol : TokenProtocol.QUERY_STRING) {
            if (protocol.parameter().equals(parameter)) {
                return protocol;
            }
        }
        throw new IllegalArgumentException(parameter);
    }

    // =============================================================================================
    // Snapshots
    // =============================================================================================

    /** Every entry under {@code root}: relative name, size (-1 for a directory, -2 for a symlink). */
    private static Map<String, Long> snapshot(Path root) throws IOException {
        return snapshot(root, null);
    }

    /** Like {@link #snapshot(Path)}, leaving out the subtree {@code skipped}; one lstat per entry, links not followed. */
    private static Map<String, Long> snapshot(Path root, Path skipped) throws IOException {
        Map<String, Long> entries = new TreeMap<>();
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return entries;
        }
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                if (dir.equals(skipped)) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                entries.put(root.relativize(dir).toString(), -1L);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                entries.put(root.relativize(file).toString(), attributes.isSymbolicLink() ? -2L : attributes.size());
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) {
                entries.put(root.relativize(file) + " (unreadable: " + e + ")", -3L);
                return FileVisitResult.CONTINUE;
            }
        });
        return entries;
    }

    /** The sandbox's parent, the storage root left out. */
    private Map<String, Long> outsideSnapshot() throws IOException {
        return snapshot(parent, storage);
    }

    /** Files named after a traversal target where a resolved path could land outside the sandbox. */
    private List<String> markersOutside() throws IOException {
        List<String> found = new ArrayList<>();
        for (Path dir : List.of(Paths.get("").toAbsolutePath(), Paths.get(System.getProperty("java.io.tmpdir")), Paths.get("/"))) {
            try (Stream<Path> entries = Files.list(dir)) {
                entries.filter(p -> p.getFileName().toString().contains(MARKER)).forEach(p -> found.add("a traversal target was created: " + p));
            }
        }
        return found;
    }

    private static Set<Path> listing(Path dir) throws IOException {
        try (Stream<Path> entries = Files.list(dir)) {
            return new HashSet<>(entries.toList());
        }
    }

    private static String difference(Map<String, Long> before, Map<String, Long> after) {
        List<String> changes = new ArrayList<>();
        after.forEach((name, size) -> {
            if (!before.containsKey(name)) {
                changes.add("+" + name + " (" + size + ")");
            } else if (!before.get(name).equals(size)) {
                changes.add("~" + name + " (" + before.get(name) + " -> " + size + ")");
            }
        });
        before.keySet().stream().filter(name -> !after.containsKey(name)).forEach(name -> changes.add("-" + name));
        return changes.toString();
    }

    private static String difference(Set<Path> before, Set<Path> after) {
        Set<Path> added = new HashSet<>(after);
        added.removeAll(before);
        return added.toString();
    }

    // =============================================================================================
    // Small helpers
    // =============================================================================================

    /** Where the store keeps {@code path}: files/<2 hex>/<sha-256 hex> (README, Storage layout). */
    Path storedFileOf(String path) {
        return StorageLayout.storedFile(storage, path);
    }

    static String url(String path) {
        return CONTEXT + "/" + encode(path);
    }

    static String encode(String path) {
        return UrlSpelling.PROSODY_LOWERCASE.encode(path);
    }

    static String newSlot() {
        return UUID.randomUUID().toString();
    }

    static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    private static List<String[]> hs(String[]... headers) {
        return List.of(headers);
    }

    private static String[] h(String name, String value) {
        return new String[] {name, value};
    }

    private static boolean isSuccess(Response response) {
        return response.status() >= 200 && response.status() < 300;
    }

    private static void assertRefusedWithout(Response response, byte[] forbidden) {
        assertFalse(isSuccess(response), "answered " + response.status() + " for a file behind a symlink");
        assertFalse(contains(response.body(), forbidden), "served the bytes of a file outside the root");
    }

    private static boolean contains(byte[] haystack, byte[] needle) {
        return new String(haystack, StandardCharsets.ISO_8859_1).contains(new String(needle, StandardCharsets.ISO_8859_1));
    }

    private static String oneUpper(String hex) {
        for (int i = 0; i < hex.length(); i++) {
            if (Character.isLetter(hex.charAt(i))) {
                return hex.substring(0, i) + Character.toUpperCase(hex.charAt(i)) + hex.substring(i + 1);
            }
        }
        throw new IllegalStateException("no letter in " + hex);
    }

    private static String percentEncodeAll(String text, boolean upper) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            String hex = String.format("%%%02x", b & 0xff);
            out.append(upper ? hex.toUpperCase(Locale.ROOT) : hex);
        }
        return out.toString();
    }

    private static String highBytes() {
        StringBuilder all = new StringBuilder();
        for (int c = 0x80; c <= 0xff; c++) {
            all.append((char) c);
        }
        return all.toString();
    }

    /** Non-printable and non-ASCII characters as \xNN (CR and LF as \r \n). */
    static String printable(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '\r') {
                out.append("\\r");
            } else if (c == '\n') {
                out.append("\\n");
            } else if (c < 0x20 || c >= 0x7f && c <= 0xff) {
                out.append(String.format("\\x%02x", (int) c));
            } else if (c > 0xff) {
                out.append(String.format("\\u%04x", (int) c));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    /** Long runs of one character shortened, then the whole cut to {@code max} characters. */
    static String abbreviate(String text, int max) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < text.length()) {
            int j = i;
            while (j < text.length() && text.charAt(j) == text.charAt(i)) {
                j++;
            }
            out.append(j - i > 20 ? text.charAt(i) + "…(" + (j - i) + "×)" : text.substring(i, j));
            i = j;
        }
        return out.length() <= max ? out.toString() : out.substring(0, max) + "…(" + out.length() + " characters)";
    }
}
