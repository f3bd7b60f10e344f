package io.github.httpupload.auth;

import io.github.httpupload.config.ConfigException;
import io.github.httpupload.config.ParameterSource;
import io.github.httpupload.config.Parameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

import javax.crypto.spec.SecretKeySpec;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** What the token filter reads: secrets, delete secret, size limit, protocols, path depth. */
class AuthSettingsTest {

    private static final String SECRET = "s3cr3t-that-must-never-be-printed";
    /** The placeholder the README shows in every example. */
    private static final String PLACEHOLDER = "CHANGE-ME-same-secret-as-the-XMPP-server";

    @TempDir
    Path dir;

    private static AuthSettings load(Map<String, String> values) {
        Map<String, String> withSecret = new HashMap<>(values);
        withSecret.putIfAbsent(Parameters.SECRET, SECRET);
        return AuthSettings.from(ParameterSource.of(withSecret));
    }

    private static AuthSettings loadExactly(Map<String, String> values) {
        return AuthSettings.from(ParameterSource.of(values));
    }

    private static List<String> secrets(AuthSettings settings) {
        return settings.hmacKeys().stream().map(key -> new String(key.getEncoded(), StandardCharsets.UTF_8)).toList();
    }

    @Test
    void defaults() {
        AuthSettings settings = load(Map.of());

        assertEquals(104_857_600L, settings.maxFileSize());
        assertEquals(AuthSettings.DEFAULT_MAX_FILE_SIZE, settings.maxFileSize());
        assertEquals(EnumSet.allOf(TokenProtocol.class), settings.protocols());
        assertTrue(settings.protocols().contains(TokenProtocol.BEARER), "bearer is on by default");
        assertEquals(2, settings.minPathSegments());
        assertTrue(settings.deleteSecret().isEmpty());
        assertEquals(1, settings.hmacKeys().size());
        SecretKeySpec key = settings.hmacKeys().get(0);
        assertEquals("HmacSHA256", key.getAlgorithm());
        assertArrayEquals(SECRET.getBytes(StandardCharsets.UTF_8), key.getEncoded());
    }

    @Test
    void everyValueCanBeSet() {
        AuthSettings settings = load(Map.of(
                Parameters.MAX_FILE_SIZE, " 5000 ",
                Parameters.PROTOCOLS, "v2, token",
                Parameters.MIN_PATH_SEGMENTS, "3",
                Parameters.DELETE_SECRET, "metronome-delete-secret"));

        assertEquals(5000L, settings.maxFileSize());
        assertEquals(EnumSet.of(TokenProtocol.V2, TokenProtocol.TOKEN), settings.protocols());
        assertEquals(3, settings.minPathSegments());
        assertEquals("metronome-delete-secret", settings.deleteSecret().orElseThrow());
    }

    @Test
    void protocolNamesAreCaseInsensitiveAndRepeatsAreHarmless() {
        assertEquals(EnumSet.of(TokenProtocol.V, TokenProtocol.BEARER),
                load(Map.of(Parameters.PROTOCOLS, " V ,Bearer,v")).protocols());
        assertEquals(EnumSet.of(TokenProtocol.BEARER), load(Map.of(Parameters.PROTOCOLS, "bearer")).protocols());
    }

    @Test
    void limitsAcceptTheirBounds() {
        assertEquals(1L, load(Map.of(Parameters.MAX_FILE_SIZE, "1")).maxFileSize());
        assertEquals(Long.MAX_VALUE, load(Map.of(Parameters.MAX_FILE_SIZE, String.valueOf(Long.MAX_VALUE))).maxFileSize());
        assertEquals(1, load(Map.of(Parameters.MIN_PATH_SEGMENTS, "1")).minPathSegments());
    }

    @Test
    void settingsAreImmutable() {
        AuthSettings settings = load(Map.of(Parameters.SECRET, "a\nb"));

        assertThrows(UnsupportedOperationException.class, () -> settings.protocols().remove(TokenProtocol.V));
        assertThrows(UnsupportedOperationException.class, () -> settings.hmacKeys().clear());
    }

    @Test
    void summaryNeverShowsTheSecrets() {
        String summary = load(Map.of(Parameters.DELETE_SECRET, "metronome-delete-secret",
                Parameters.PROTOCOLS, "v2,token")).toString();

        assertFalse(summary.contains(SECRET), summary);
        assertFalse(summary.contains("metronome-delete-secret"), summary);
        assertTrue(summary.contains("httpupload.maxFileSize=104857600"), summary);
        assertTrue(summary.contains("httpupload.protocols=v2,token"), summary);
        assertTrue(summary.contains("httpupload.deleteSecret=(set)"), summary);
        assertTrue(load(Map.of()).toString().contains("DELETE disabled"), load(Map.of()).toString());
    }

    // --- secrets ----------------------------------------------------------------------------

    @Test
    void secretFileWithTrailingNewlineIsTrimmed() throws Exception {
        Path file = Files.writeString(dir.resolve("secret"), "from a file\r\n\n");

        AuthSettings settings = loadExactly(Map.of(Parameters.SECRET_FILE, file.toString()));

        assertEquals(List.of("from a file"), secrets(settings));
    }

    @Test
    void aSecondLineIsAnOlderSecretStillAccepted() throws Exception {
        AuthSettings inline = loadExactly(Map.of(Parameters.SECRET, "new secret\nold secret"));
        Path file = Files.writeString(dir.resolve("rotating"), "new secret\r\nold secret\n");
        AuthSettings fromFile = loadExactly(Map.of(Parameters.SECRET_FILE, file.toString()));

        for (AuthSettings settings : List.of(inline, fromFile)) {
            assertEquals(List.of("new secret", "old secret"), secrets(settings));
            assertFalse(settings.toString().contains("new secret") || settings.toString().contains("old secret"),
                    settings.toString());
            assertTrue(settings.toString().contains("and 1 older secret accepted"), settings.toString());
        }
        assertFalse(loadExactly(Map.of(Parameters.SECRET, SECRET)).toString().contains("older"));
    }

    @Test
    void moreThanTwoSecretsOrAnEmptyLineAreRefusedWithoutShowingThem() {
        for (String value : List.of("s3cr3t-a\ns3cr3t-b\ns3cr3t-c", "s3cr3t-a\n\ns3cr3t-b", "\ns3cr3t-b")) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> loadExactly(Map.of(Parameters.SECRET, value)), value);
            assertTrue(e.getMessage().contains("[httpupload.secret]"), e.getMessage());
            assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
        }
    }

    @Test
    void finalLineBreaksAreNotAnEmptyOlderSecret() {
        assertEquals(List.of("s3cr3t-a"), secrets(loadExactly(Map.of(Parameters.SECRET, "s3cr3t-a\n\n"))));
    }

    @Test
    void aBadSecretFileIsReportedUnderTheFileParameter() throws Exception {
        Path three = Files.writeString(dir.resolve("three"), "s3cr3t-a\ns3cr3t-b\ns3cr3t-c\n");

        ConfigException e = assertThrows(ConfigException.class,
                () -> loadExactly(Map.of(Parameters.SECRET_FILE, three.toString())));

        assertTrue(e.getMessage().contains("[httpupload.secretFile]"), e.getMessage());
        assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
    }

    @Test
    void missingSecretIsRefusedNamingBothWaysToSetIt() {
        ConfigException e = assertThrows(ConfigException.class, () -> loadExactly(Map.of()));

        assertTrue(e.getMessage().contains("[httpupload.secret]"), e.getMessage());
        assertTrue(e.getMessage().contains("[httpupload.secretFile]"), e.getMessage());
    }

    @Test
    void emptySecretIsRefusedInlineAndFromAFile() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty"), "\n");

        ConfigException inline = assertThrows(ConfigException.class, () -> loadExactly(Map.of(Parameters.SECRET, "")));
        ConfigException fromFile = assertThrows(ConfigException.class,
                () -> loadExactly(Map.of(Parameters.SECRET_FILE, empty.toString())));

        assertTrue(inline.getMessage().contains("[httpupload.secret]") && inline.getMessage().contains("empty"),
                inline.getMessage());
        assertTrue(fromFile.getMessage().contains("[httpupload.secretFile]") && fromFile.getMessage().contains("empty"),
                fromFile.getMessage());
    }

    @Test
    void missingSecretFileIsRefusedNamingParameterAndPath() {
        String missing = dir.resolve("nonexistent").resolve("secret").toString();

        ConfigException e = assertThrows(ConfigException.class,
                () -> loadExactly(Map.of(Parameters.SECRET_FILE, missing)));

        assertTrue(e.getMessage().contains("[httpupload.secretFile] value [" + missing + "]"), e.getMessage());
    }

    @Test
    void secretAndSecretFileTogetherAreRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("secret"), "other");

        ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of(Parameters.SECRET_FILE, file.toString())));

        assertTrue(e.getMessage().contains("both set"), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET), e.getMessage());
    }

    // --- the documentation's placeholder ------------------------------------------------------

    @ParameterizedTest(name = "[{0}] is refused")
    @ValueSource(strings = {PLACEHOLDER, "change-me-same-secret-as-the-xmpp-server", "CHANGE-ME-SAME-SECRET-AS-THE-XMPP-SERVER",
            "Change-Me-same-secret-as-the-XMPP-server", " CHANGE-ME-same-secret-as-the-XMPP-server", "change-me",
            PLACEHOLDER + "\n"})
    void thePlaceholderSecretIsRefusedAtStart(String value) {
        ConfigException e = assertThrows(ConfigException.class, () -> loadExactly(Map.of(Parameters.SECRET, value)));

        assertTrue(e.getMessage().contains("[httpupload.secret]"), e.getMessage());
        assertTrue(e.getMessage().contains("placeholder"), e.getMessage());
    }

    @Test
    void thePlaceholderIsRefusedThroughASecretFileToo() throws Exception {
        // As the README's "echo 'CHANGE-ME-…' | sudo tee /etc/http-upload/secret" writes it.
        for (String content : List.of(PLACEHOLDER + "\n", PLACEHOLDER.toLowerCase(java.util.Locale.ROOT))) {
            Path file = Files.writeString(dir.resolve("secret"), content);

            ConfigException e = assertThrows(ConfigException.class,
                    () -> loadExactly(Map.of(Parameters.SECRET_FILE, file.toString())));

            assertTrue(e.getMessage().contains("[httpupload.secretFile]"), e.getMessage());
            assertTrue(e.getMessage().contains("placeholder"), e.getMessage());
        }
    }

    @Test
    void thePlaceholderIsRefusedAsTheOlderSecretToo() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> loadExactly(Map.of(Parameters.SECRET, SECRET + "\n" + PLACEHOLDER)));

        assertTrue(e.getMessage().contains("[httpupload.secret]"), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET), e.getMessage());
    }

    @Test
    void aSecretThatOnlyContainsChangeMeIsAccepted() {
        assertEquals(List.of("please-change-me"), secrets(loadExactly(Map.of(Parameters.SECRET, "please-change-me"))));
    }

    // --- delete secret ------------------------------------------------------------------------

    @Test
    void anEmptyDeleteSecretIsRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of(Parameters.DELETE_SECRET, "")));

        assertTrue(e.getMessage().contains("[httpupload.deleteSecret]"), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET), e.getMessage());
    }

    // --- bad values ---------------------------------------------------------------------------

    static Stream<Arguments> badValues() {
        return Stream.of(
                arguments(Parameters.MAX_FILE_SIZE, "ten"),
                arguments(Parameters.MAX_FILE_SIZE, "-1"),
                arguments(Parameters.MAX_FILE_SIZE, "0"),
                arguments(Parameters.MAX_FILE_SIZE, "100MB"),
                arguments(Parameters.MAX_FILE_SIZE, ""),
                arguments(Parameters.PROTOCOLS, "v1"),
                arguments(Parameters.PROTOCOLS, "v2,,v"),
                arguments(Parameters.PROTOCOLS, "v2,"),
                arguments(Parameters.PROTOCOLS, ""),
                arguments(Parameters.PROTOCOLS, " "),
                arguments(Parameters.PROTOCOLS, "jwt"),
                arguments(Parameters.PROTOCOLS, "v2,v3"),
                arguments(Parameters.PROTOCOLS, "v2 token"),
                arguments(Parameters.PROTOCOLS, "v2;token"),
                arguments(Parameters.MIN_PATH_SEGMENTS, "0"),
                arguments(Parameters.MIN_PATH_SEGMENTS, "two"),
                arguments(Parameters.MIN_PATH_SEGMENTS, ""),
                arguments(Parameters.MIN_PATH_SEGMENTS, "2147483648"));
    }

    @ParameterizedTest(name = "{0}=[{1}] is refused with a message naming both")
    @MethodSource("badValues")
    void badValueIsRefusedWithParameterAndValue(String parameter, String value) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of(parameter, value)));

        assertTrue(e.getMessage().contains("[" + parameter + "] value [" + value + "]"), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET), e.getMessage());
    }

    @Test
    void anUnknownProtocolIsNamedAndTheKnownOnesListed() {
        ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of(Parameters.PROTOCOLS, "v2, v3 ")));

        assertTrue(e.getMessage().contains("[httpupload.protocols]"), e.getMessage());
        assertTrue(e.getMessage().contains("unknown protocol [v3]"), e.getMessage());
        assertTrue(e.getMessage().contains("v, v2, token, bearer"), e.getMessage());
    }

    @Test
    void otherComponentsParametersAreNotReadHere() {
        AuthSettings settings = load(Map.of(Parameters.STORAGE_DIR, "relative", Parameters.FSYNC, "yes",
                Parameters.CORS_MAX_AGE, "-1", Parameters.UPLOAD_IDLE_TIMEOUT, "0"));

        assertEquals(AuthSettings.DEFAULT_MAX_FILE_SIZE, settings.maxFileSize());
    }

    // --- the JWT library for bearer -----------------------------------------------------------

    @Test
    void theJwtLibraryIsFoundWhereItIsOnTheClassPath() {
        assertDoesNotThrow(() -> JwtLibrary.require(AuthSettings.class.getClassLoader()));
    }

    @Test
    void aMissingJwtLibraryNamesTheJarAndTheProtocolsParameter() {
        ClassLoader withoutNimbus = new URLClassLoader(new URL[0], ClassLoader.getPlatformClassLoader());

        ConfigException e = assertThrows(ConfigException.class, () -> JwtLibrary.require(withoutNimbus));

        assertTrue(e.getMessage().contains("[httpupload.protocols]"), e.getMessage());
        assertTrue(e.getMessage().contains("nimbus-jose-jwt-" + JwtLibrary.VERSION + ".jar"), e.getMessage());
        assertTrue(e.getMessage().contains("v,v2,token"), "the way out: " + e.getMessage());
    }

    /** Loads this project's classes, but not nimbus-jose-jwt, in a class loader of their own. */
    private static Object fromWithoutNimbus(Map<String, String> values) throws Exception {
        URL classes = AuthSettings.class.getProtectionDomain().getCodeSource().getLocation();
        try (URLClassLoader loader = new URLClassLoader(new URL[] {classes}, ClassLoader.getPlatformClassLoader())) {
            assertThrows(ClassNotFoundException.class, () -> Class.forName(JwtLibrary.PROBE_CLASS, false, loader));
            Class<?> sourceType = Class.forName(ParameterSource.class.getName(), true, loader);
            Object source = sourceType.getMethod("of", Map.class).invoke(null, values);
            Method from = Class.forName(AuthSettings.class.getName(), true, loader).getMethod("from", sourceType);
            try {
                return from.invoke(null, source);
            } catch (InvocationTargetException e) {
                throw assertInstanceOf(RuntimeException.class, e.getCause());
            }
        }
    }

    @Test
    void withoutTheJwtLibraryBearerFailsAtStart() {
        for (Map<String, String> values : List.of(Map.of(Parameters.SECRET, SECRET),
                Map.of(Parameters.SECRET, SECRET, Parameters.PROTOCOLS, "v2,bearer"))) {
            RuntimeException e = assertThrows(RuntimeException.class, () -> fromWithoutNimbus(values));

            assertEquals(ConfigException.class.getName(), e.getClass().getName(), String.valueOf(e));
            assertTrue(e.getMessage().contains("[httpupload.protocols]"), e.getMessage());
            assertTrue(e.getMessage().contains("nimbus-jose-jwt"), e.getMessage());
            assertFalse(e.getMessage().contains(SECRET), e.getMessage());
        }
    }

    @Test
    void withoutTheJwtLibraryTheQueryStringProtocolsStillWork() throws Exception {
        Object settings = fromWithoutNimbus(Map.of(Parameters.SECRET, SECRET, Parameters.PROTOCOLS, "v,v2,token"));

        assertTrue(settings.toString().contains("httpupload.protocols=v2,token,v"), settings.toString());
    }
}
