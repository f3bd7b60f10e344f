package io.github.httpupload.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class ConfigLoaderTest {

    private static final String SECRET = "s3cr3t-that-must-never-be-printed";

    @TempDir
    Path dir;

    @Test
    void defaults() {
        UploadConfig config = ConfigLoader.load(ParameterSource.of(Map.of(UploadConfig.PARAM_SECRET, SECRET)));

        assertEquals(104_857_600L, config.maxFileSize());
        assertEquals(EnumSet.allOf(TokenProtocol.class), config.protocols());
        assertEquals(2, config.minPathSegments());
        assertTrue(config.fsync());
        assertTrue(config.storageDir().isEmpty());
        assertEquals(java.util.Set.of("*"), config.corsAllowedOrigins());
        assertEquals(86400, config.corsMaxAge());
        assertEquals(30, config.uploadIdleTimeout());
        assertArrayEquals(SECRET.getBytes(StandardCharsets.UTF_8), config.hmacKeys().get(0).getEncoded());
    }

    @Test
    void everyValueCanBeSet() {
        UploadConfig config = load(Map.of(
                UploadConfig.PARAM_STORAGE_DIR, dir.toString(),
                UploadConfig.PARAM_MAX_FILE_SIZE, " 5000 ",
                UploadConfig.PARAM_PROTOCOLS, "v2, token",
                UploadConfig.PARAM_MIN_PATH_SEGMENTS, "3",
                UploadConfig.PARAM_FSYNC, "FALSE",
                UploadConfig.PARAM_CORS_ALLOWED_ORIGINS, "https://Chat.Example.org , http://127.0.0.1:5280",
                UploadConfig.PARAM_CORS_MAX_AGE, "0"));

        assertEquals(dir, config.requireStorageDir());
        assertEquals(5000L, config.maxFileSize());
        assertEquals(EnumSet.of(TokenProtocol.V2, TokenProtocol.TOKEN), config.protocols());
        assertEquals(3, config.minPathSegments());
        assertFalse(config.fsync());
        assertEquals(java.util.Set.of("https://chat.example.org", "http://127.0.0.1:5280"), config.corsAllowedOrigins());
        assertEquals(0, config.corsMaxAge());
    }

    @Test
    void summaryNeverShowsTheSecret() {
        String summary = load(Map.of(UploadConfig.PARAM_STORAGE_DIR, dir.toString())).toString();

        assertFalse(summary.contains(SECRET), summary);
        assertTrue(summary.contains("httpupload.storageDir=" + dir), summary);
    }

    @Test
    void secretFileWithTrailingNewlineIsTrimmed() throws Exception {
        Path file = Files.writeString(dir.resolve("secret"), "from a file\r\n\n");

        UploadConfig config = ConfigLoader.load(ParameterSource.of(Map.of(UploadConfig.PARAM_SECRET_FILE, file.toString())));

        assertArrayEquals("from a file".getBytes(StandardCharsets.UTF_8), config.hmacKeys().get(0).getEncoded());
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                arguments(UploadConfig.PARAM_MAX_FILE_SIZE, "ten"),
                arguments(UploadConfig.PARAM_MAX_FILE_SIZE, "-1"),
                arguments(UploadConfig.PARAM_MAX_FILE_SIZE, "0"),
                arguments(UploadConfig.PARAM_MAX_FILE_SIZE, "100MB"),
                arguments(UploadConfig.PARAM_PROTOCOLS, "v1"),
                arguments(UploadConfig.PARAM_PROTOCOLS, "v2,,v"),
                arguments(UploadConfig.PARAM_PROTOCOLS, ""),
                arguments(UploadConfig.PARAM_MIN_PATH_SEGMENTS, "0"),
                arguments(UploadConfig.PARAM_MIN_PATH_SEGMENTS, "two"),
                arguments(UploadConfig.PARAM_FSYNC, "yes"),
                arguments(UploadConfig.PARAM_STORAGE_DIR, "relative/uploads"),
                arguments(UploadConfig.PARAM_SECRET_FILE, "/nonexistent/secret"),
                arguments(UploadConfig.PARAM_CORS_ALLOWED_ORIGINS, "chat.example.org"),
                arguments(UploadConfig.PARAM_CORS_ALLOWED_ORIGINS, "https://chat.example.org/"),
                arguments(UploadConfig.PARAM_CORS_ALLOWED_ORIGINS, "https://a.example, *"),
                arguments(UploadConfig.PARAM_CORS_ALLOWED_ORIGINS, ""),
                arguments(UploadConfig.PARAM_CORS_MAX_AGE, "-1"),
                arguments(UploadConfig.PARAM_CORS_MAX_AGE, "a day"),
                arguments(UploadConfig.PARAM_UPLOAD_IDLE_TIMEOUT, "0"),
                arguments(UploadConfig.PARAM_UPLOAD_IDLE_TIMEOUT, "30s"),
                arguments(UploadConfig.PARAM_PROTOCOLS, "jwt"),
                arguments(UploadConfig.PARAM_MAX_STORAGE_SIZE, "0"),
                arguments(UploadConfig.PARAM_MAX_STORAGE_SIZE, "10G"),
                arguments(UploadConfig.PARAM_MIN_FREE_SPACE, "-1"),
                arguments(UploadConfig.PARAM_EXPIRE_AFTER, "30"),
                arguments(UploadConfig.PARAM_EXPIRE_AFTER, "30d"),
                arguments(UploadConfig.PARAM_EXPIRE_AFTER, "P1M"),
                arguments(UploadConfig.PARAM_EXPIRE_AFTER, "P1W"),
                arguments(UploadConfig.PARAM_EXPIRE_AFTER, "PT0S"),
                arguments(UploadConfig.PARAM_EXPIRE_AFTER, "-P1D"),
                arguments(UploadConfig.PARAM_TOMBSTONE_RETENTION, "forever"),
                arguments(UploadConfig.PARAM_TOMBSTONE_RETENTION, "-PT1S"),
                arguments(UploadConfig.PARAM_SWEEP_INTERVAL, "PT0.5S"),
                arguments(UploadConfig.PARAM_SWEEP_INTERVAL, "hourly"),
                arguments(UploadConfig.PARAM_SWEEP_INTERVAL, "P1000000000000D"),
                arguments(UploadConfig.PARAM_EXPIRE_AFTER, "P36501D"));
    }

    @Test
    void retentionAndLimitsAreOffByDefault() {
        UploadConfig config = load(Map.of());

        assertTrue(config.expireAfter().isEmpty());
        assertTrue(config.tombstoneRetention().isEmpty(), "tombstones live as long as files: forever");
        assertEquals(UploadConfig.UNLIMITED, config.maxStorageSize());
        assertEquals(0, config.minFreeSpace());
        assertEquals(java.time.Duration.ofHours(1), config.sweepInterval());
        assertTrue(config.deleteSecret().isEmpty());
        assertTrue(config.protocols().contains(TokenProtocol.BEARER));
    }

    @Test
    void tombstonesLiveAsLongAsFilesUnlessSetAndZeroTurnsThemOff() {
        assertEquals(java.time.Duration.ofDays(30), load(Map.of(UploadConfig.PARAM_EXPIRE_AFTER, "P30D")).tombstoneRetention().orElseThrow());
        assertEquals(java.time.Duration.ofHours(36), load(Map.of(UploadConfig.PARAM_EXPIRE_AFTER, "p1dt12h")).expireAfter().orElseThrow());
        assertEquals(java.time.Duration.ofDays(90), load(Map.of(UploadConfig.PARAM_EXPIRE_AFTER, "P30D",
                UploadConfig.PARAM_TOMBSTONE_RETENTION, "P90D")).tombstoneRetention().orElseThrow());
        assertEquals(java.time.Duration.ZERO, load(Map.of(UploadConfig.PARAM_TOMBSTONE_RETENTION, "PT0S")).tombstoneRetention().orElseThrow());
    }

    @Test
    void aSecondLineIsAnOlderSecretStillAccepted() throws Exception {
        UploadConfig inline = ConfigLoader.load(ParameterSource.of(Map.of(UploadConfig.PARAM_SECRET, "new secret\nold secret")));
        Path file = Files.writeString(dir.resolve("rotating"), "new secret\r\nold secret\n");
        UploadConfig fromFile = ConfigLoader.load(ParameterSource.of(Map.of(UploadConfig.PARAM_SECRET_FILE, file.toString())));

        for (UploadConfig config : List.of(inline, fromFile)) {
            assertEquals(List.of("new secret", "old secret"), config.hmacKeys().stream()
                    .map(key -> new String(key.getEncoded(), StandardCharsets.UTF_8)).toList());
            assertFalse(config.toString().contains("secret,") || config.toString().contains("old secret"), config.toString());
        }
        assertTrue(inline.toString().contains("and 1 older secret accepted"), inline.toString());
    }

    @Test
    void moreThanTwoSecretsOrAnEmptyLineAreRefusedWithoutShowingThem() {
        for (String value : List.of("s3cr3t-a\ns3cr3t-b\ns3cr3t-c", "s3cr3t-a\n\ns3cr3t-b", "\ns3cr3t-b")) {
            ConfigException e = assertThrows(ConfigException.class,
                    () -> ConfigLoader.load(ParameterSource.of(Map.of(UploadConfig.PARAM_SECRET, value))));
            assertTrue(e.getMessage().contains("[httpupload.secret]"), e.getMessage());
            assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
        }
    }

    @Test
    void anEmptyDeleteSecretIsRefusedAndASetOneIsNeverShown() {
        ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of(UploadConfig.PARAM_DELETE_SECRET, "")));
        assertTrue(e.getMessage().contains("[httpupload.deleteSecret]"), e.getMessage());

        UploadConfig config = load(Map.of(UploadConfig.PARAM_DELETE_SECRET, "metronome-delete-secret"));
        assertEquals("metronome-delete-secret", config.deleteSecret().orElseThrow());
        assertFalse(config.toString().contains("metronome-delete-secret"), config.toString());
    }

    @ParameterizedTest(name = "{0}=[{1}] is refused with a message naming both")
    @MethodSource("badValues")
    void badValueIsRefusedWithParameterAndValue(String parameter, String value) {
        Map<String, String> parameters = new HashMap<>(Map.of(parameter, value));
        if (!parameter.equals(UploadConfig.PARAM_SECRET_FILE)) {
            parameters.put(UploadConfig.PARAM_SECRET, SECRET);
        }

        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(ParameterSource.of(parameters)));

        assertTrue(e.getMessage().contains("[" + parameter + "]"), e.getMessage());
        assertTrue(e.getMessage().contains("[" + value + "]"), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET), e.getMessage());
    }

    @Test
    void missingSecretIsRefused() {
        ConfigException e = assertThrows(ConfigException.class, () -> ConfigLoader.load(ParameterSource.of(Map.of())));

        assertTrue(e.getMessage().contains("[httpupload.secret]"), e.getMessage());
    }

    @Test
    void emptySecretIsRefused() throws Exception {
        Path empty = Files.writeString(dir.resolve("empty"), "\n");

        assertThrows(ConfigException.class, () -> ConfigLoader.load(ParameterSource.of(Map.of(UploadConfig.PARAM_SECRET, ""))));
        assertThrows(ConfigException.class, () -> ConfigLoader.load(ParameterSource.of(Map.of(UploadConfig.PARAM_SECRET_FILE, empty.toString()))));
    }

    @Test
    void secretAndSecretFileTogetherAreRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("secret"), "other");

        ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of(UploadConfig.PARAM_SECRET_FILE, file.toString())));

        assertTrue(e.getMessage().contains("both set"), e.getMessage());
        assertFalse(e.getMessage().contains(SECRET), e.getMessage());
    }

    @Test
    void storageDirIsRequiredOnlyWhereStorageIsUsed() {
        UploadConfig filterOnly = load(Map.of());

        ConfigException e = assertThrows(ConfigException.class, filterOnly::requireStorageDir);
        assertTrue(e.getMessage().contains("[httpupload.storageDir]"), e.getMessage());
    }

    private static UploadConfig load(Map<String, String> values) {
        Map<String, String> withSecret = new HashMap<>(values);
        withSecret.put(UploadConfig.PARAM_SECRET, SECRET);
        return ConfigLoader.load(ParameterSource.of(withSecret));
    }
}
