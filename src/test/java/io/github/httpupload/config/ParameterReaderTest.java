package io.github.httpupload.config;

import io.github.httpupload.testsupport.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one parser behind every component's settings: defaults, bounds, and messages that name parameter and value. */
class ParameterReaderTest {

    private static final String NAME = "httpupload.something";
    private static final String SECRET = "s3cr3t-that-must-never-be-printed";

    @TempDir
    Path dir;

    private static ParameterReader reader(Map<String, String> values) {
        return new ParameterReader(ParameterSource.of(values));
    }

    private static ParameterReader with(String value) {
        return reader(Map.of(NAME, value));
    }

    /** The message names the parameter and the value, in the documented brackets. */
    private static void assertNamesParameterAndValue(ConfigException e, String parameter, String value) {
        assertTrue(e.getMessage().contains("[" + parameter + "] value [" + value + "]"), e.getMessage());
    }

    // --- string ---------------------------------------------------------------------------

    @Test
    void stringIsNullWhenAbsentAndEmptyWhenSetEmpty() {
        assertNull(reader(Map.of()).string(NAME));
        assertEquals("", with("").string(NAME));
        assertEquals(" as is ", with(" as is ").string(NAME), "the raw value, untrimmed");
    }

    // --- number / integer -----------------------------------------------------------------

    @Test
    void numberDefaultsWhenAbsentAndIsTrimmed() {
        assertEquals(42, reader(Map.of()).number(NAME, 42, 1, 100, "x"));
        assertEquals(5000, with(" 5000 ").number(NAME, 42, 1, 10_000, "x"));
        assertEquals(7, with("7").integer(NAME, 1, 1, 10, "x"));
        assertEquals(3, reader(Map.of()).integer(NAME, 3, 1, 10, "x"));
    }

    @Test
    void numberBoundsAreInclusive() {
        assertEquals(1, with("1").number(NAME, 5, 1, 10, "x"));
        assertEquals(10, with("10").number(NAME, 5, 1, 10, "x"));
        assertEquals(Long.MAX_VALUE, with(String.valueOf(Long.MAX_VALUE)).number(NAME, 5, 1, Long.MAX_VALUE, "x"));
        assertEquals(Integer.MAX_VALUE, with(String.valueOf(Integer.MAX_VALUE)).integer(NAME, 5, 0, Integer.MAX_VALUE, "x"));
    }

    @ParameterizedTest(name = "[{0}] is refused")
    @ValueSource(strings = {"0", "11", "-1", "ten", "100MB", "1e3", "5.0", "", " ", "0x10", "9223372036854775808"})
    void badNumberIsRefusedWithParameterValueAndExpectation(String value) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> with(value).number(NAME, 5, 1, 10, "expected 1 to 10"));

        assertNamesParameterAndValue(e, NAME, value);
        assertTrue(e.getMessage().endsWith("expected 1 to 10"), e.getMessage());
    }

    @Test
    void integerOutsideItsIntBoundsIsRefused() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> with("2147483648").integer(NAME, 5, 0, Integer.MAX_VALUE, "x"));
        assertNamesParameterAndValue(e, NAME, "2147483648");
    }

    // --- duration -------------------------------------------------------------------------

    @Test
    void durationDefaultsWhenAbsentIncludingNull() {
        assertEquals(Duration.ofHours(1), reader(Map.of()).duration(NAME, Duration.ofHours(1), Duration.ZERO));
        assertNull(reader(Map.of()).duration(NAME, null, Duration.ZERO));
    }

    @Test
    void durationIsIso8601InAnyCaseAndTrimmed() {
        assertEquals(Duration.ofDays(30), with("P30D").duration(NAME, null, Duration.ZERO));
        assertEquals(Duration.ofHours(36), with("p1dt12h").duration(NAME, null, Duration.ZERO));
        assertEquals(Duration.ofHours(12), with(" PT12H ").duration(NAME, null, Duration.ZERO));
    }

    @Test
    void durationBoundsAreInclusive() {
        assertEquals(Duration.ofSeconds(1), with("PT1S").duration(NAME, null, Duration.ofSeconds(1)));
        assertEquals(Duration.ZERO, with("PT0S").duration(NAME, null, Duration.ZERO));
        assertEquals(Duration.ofDays(36_500), with("P36500D").duration(NAME, null, Duration.ofSeconds(1)));
        assertEquals(ParameterReader.MAX_DURATION, Duration.ofDays(36_500));
    }

    @ParameterizedTest(name = "[{0}] is refused")
    @ValueSource(strings = {"30", "30d", "P1M", "P1Y", "P1W", "PT0S", "PT0.5S", "-P1D", "-PT1S", "P36501D",
            "P1000000000000D", "P100000000000000000D", "forever", "hourly", "", " "})
    void badDurationIsRefusedWithParameterAndValue(String value) {
        ConfigException e = assertThrows(ConfigException.class,
                () -> with(value).duration(NAME, null, Duration.ofSeconds(1)));

        assertNamesParameterAndValue(e, NAME, value);
        assertTrue(e.getMessage().contains("ISO-8601"), e.getMessage());
    }

    @Test
    void zeroIsRefusedOnlyWhereTheMinimumIsAboveZero() {
        assertEquals(Duration.ZERO, with("PT0S").duration(NAME, null, Duration.ZERO));
        assertThrows(ConfigException.class, () -> with("PT0S").duration(NAME, null, Duration.ofSeconds(1)));
        assertThrows(ConfigException.class, () -> with("-PT1S").duration(NAME, null, Duration.ZERO));
    }

    // --- bool -----------------------------------------------------------------------------

    @Test
    void boolIsTrueOrFalseInAnyCase() {
        assertTrue(reader(Map.of()).bool(NAME, true));
        assertFalse(reader(Map.of()).bool(NAME, false));
        assertTrue(with("TRUE").bool(NAME, false));
        assertTrue(with(" true ").bool(NAME, false));
        assertFalse(with("FALSE").bool(NAME, true));
        assertFalse(with("False").bool(NAME, true));
    }

    @ParameterizedTest(name = "[{0}] is refused, not read as false")
    @ValueSource(strings = {"yes", "no", "1", "0", "on", "", "ture"})
    void anythingElseIsRefusedRatherThanReadAsFalse(String value) {
        ConfigException e = assertThrows(ConfigException.class, () -> with(value).bool(NAME, true));

        assertNamesParameterAndValue(e, NAME, value);
        assertTrue(e.getMessage().contains("true or false"), e.getMessage());
    }

    // --- absolutePath ---------------------------------------------------------------------

    @Test
    void absolutePathIsNullWhenAbsentAndNormalizedAndTrimmed() {
        assertNull(reader(Map.of()).absolutePath(NAME));
        assertEquals(dir, with(dir.toString()).absolutePath(NAME));
        assertEquals(dir.resolve("c"), with(" " + dir.resolve("a/../b/./../c") + " ").absolutePath(NAME));
    }

    @ParameterizedTest(name = "[{0}] is refused")
    @ValueSource(strings = {"relative/uploads", "uploads", "./uploads", "", " "})
    void relativePathIsRefused(String value) {
        ConfigException e = assertThrows(ConfigException.class, () -> with(value).absolutePath(NAME));

        assertNamesParameterAndValue(e, NAME, value);
        assertTrue(e.getMessage().contains("absolute"), e.getMessage());
    }

    @Test
    void invalidPathIsRefused() {
        String value = "/var/lib/\u0000upload";

        ConfigException e = assertThrows(ConfigException.class, () -> with(value).absolutePath(NAME));

        assertNamesParameterAndValue(e, NAME, value);
    }

    // --- secret ---------------------------------------------------------------------------

    private static final String VALUE = "httpupload.s";
    private static final String FILE = "httpupload.sFile";

    @Test
    void secretIsNullWhenNeitherIsSet() {
        assertNull(reader(Map.of()).secret(VALUE, FILE));
    }

    @Test
    void inlineSecretIsKeptAsIsButForFinalLineBreaks() {
        assertEquals(" with spaces ", reader(Map.of(VALUE, " with spaces ")).secret(VALUE, FILE));
        assertEquals("line", reader(Map.of(VALUE, "line\r\n")).secret(VALUE, FILE));
        assertEquals("new\nold", reader(Map.of(VALUE, "new\nold\n")).secret(VALUE, FILE));
        assertEquals("", reader(Map.of(VALUE, "")).secret(VALUE, FILE), "empty is not absent");
    }

    @Test
    void secretFileWithTrailingNewlinesIsTrimmed() throws Exception {
        Path file = Files.writeString(dir.resolve("secret"), "from a file\r\n\n");

        assertEquals("from a file", reader(Map.of(FILE, file.toString())).secret(VALUE, FILE));
    }

    @Test
    void secretFileKeepsInnerLinesAndUtf8() throws Exception {
        Path file = Files.writeString(dir.resolve("secret"), "neu-ä\r\nalt-€\n");

        assertEquals("neu-ä\r\nalt-€", reader(Map.of(FILE, file.toString())).secret(VALUE, FILE));
    }

    @Test
    void secretFileWithOnlyALineBreakIsEmptyNotAbsent() throws Exception {
        Path file = Files.writeString(dir.resolve("empty"), "\n");

        assertEquals("", reader(Map.of(FILE, file.toString())).secret(VALUE, FILE));
    }

    @Test
    void missingSecretFileIsRefusedNamingTheParameterAndPath() {
        String missing = dir.resolve("no-such-file").toString();

        ConfigException e = assertThrows(ConfigException.class, () -> reader(Map.of(FILE, missing)).secret(VALUE, FILE));

        assertNamesParameterAndValue(e, FILE, missing);
        assertTrue(e.getMessage().contains("cannot read"), e.getMessage());
    }

    @Test
    void aDirectoryAsSecretFileIsRefused() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> reader(Map.of(FILE, dir.toString())).secret(VALUE, FILE));

        assertNamesParameterAndValue(e, FILE, dir.toString());
    }

    @Test
    void secretFileThatIsNotUtf8IsRefusedWithoutShowingItsContent() throws Exception {
        byte[] latin1 = "s3cr3t-caf\u00e9".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        Path file = Files.write(dir.resolve("latin1"), latin1);

        ConfigException e = assertThrows(ConfigException.class,
                () -> reader(Map.of(FILE, file.toString())).secret(VALUE, FILE));

        assertNamesParameterAndValue(e, FILE, file.toString());
        assertTrue(e.getMessage().contains("UTF-8"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
    }

    @Test
    void secretAndSecretFileTogetherAreRefusedWithoutShowingEither() throws Exception {
        Path file = Files.writeString(dir.resolve("secret"), "other-s3cr3t-in-the-file");

        ConfigException e = assertThrows(ConfigException.class,
                () -> reader(Map.of(VALUE, SECRET, FILE, file.toString())).secret(VALUE, FILE));

        assertTrue(e.getMessage().contains("[" + VALUE + "]") && e.getMessage().contains("[" + FILE + "]"), e.getMessage());
        assertTrue(e.getMessage().contains("both set"), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET), e.getMessage());
        assertFalse(e.getMessage().contains("other-s3cr3t"), e.getMessage());
    }

    @Test
    void anEmptySecretNextToASecretFileStillCountsAsSet() throws Exception {
        Path file = Files.writeString(dir.resolve("secret"), "from the file");

        assertThrows(ConfigException.class, () -> reader(Map.of(VALUE, "", FILE, file.toString())).secret(VALUE, FILE));
    }

    // --- warnAboutUnknownParameters --------------------------------------------------------

    @Test
    void unknownHttpuploadParameterIsWarnedAboutByNameNotValue() {
        ParameterReader reader = reader(Map.of(
                "httpupload.maxFilesize", "42",
                "httpupload.secert", SECRET,
                Parameters.SECRET, "known-value"));

        String log;
        try (LogCapture capture = new LogCapture(Level.WARNING)) {
            reader.warnAboutUnknownParameters();
            log = capture.text();
        }

        assertTrue(log.contains("unknown configuration parameter [httpupload.maxFilesize]"), log);
        assertTrue(log.contains("unknown configuration parameter [httpupload.secert]"), log);
        assertFalse(log.contains("unknown configuration parameter [" + Parameters.SECRET + "]"), log);
        assertFalse(log.contains(SECRET), log);
        assertFalse(log.contains("known-value"), log);
        assertTrue(log.contains(Parameters.MAX_FILE_SIZE), "the warning lists the known names: " + log);
        assertEquals(2, log.lines().count(), log);
    }

    @Test
    void knownAndForeignParametersAreNotWarnedAbout() {
        Map<String, String> values = new java.util.HashMap<>();
        for (String known : Parameters.KNOWN) {
            values.put(known, "x");
        }
        values.put("org.apache.catalina.foo", "x");
        values.put("httpuploadX", "x");
        values.put("HTTPUPLOAD.maxFileSize", "x");

        String log;
        try (LogCapture capture = new LogCapture(Level.ALL)) {
            reader(values).warnAboutUnknownParameters();
            log = capture.text();
        }

        assertFalse(log.contains("unknown configuration parameter"), log);
    }

    @Test
    void everyNamedParameterIsKnownAndPrefixed() throws Exception {
        int constants = 0;
        for (java.lang.reflect.Field field : Parameters.class.getFields()) {
            if (field.getType() == String.class && !field.getName().equals("PREFIX")) {
                String name = (String) field.get(null);
                assertTrue(name.startsWith(Parameters.PREFIX), name);
                assertTrue(Parameters.KNOWN.contains(name), name + " is missing from KNOWN");
                constants++;
            }
        }
        assertEquals(constants, Parameters.KNOWN.size(), "KNOWN holds a name without a constant");
    }

    // --- ConfigException ------------------------------------------------------------------

    @Test
    void badValueMessageHasTheDocumentedShape() {
        assertEquals("Invalid configuration parameter [httpupload.maxFileSize] value [100M]: expected a positive whole number of bytes",
                ConfigException.badValue("httpupload.maxFileSize", "100M", "expected a positive whole number of bytes").getMessage());
    }
}
