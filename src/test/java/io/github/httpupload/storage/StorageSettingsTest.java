package io.github.httpupload.storage;

import io.github.httpupload.config.ConfigException;
import io.github.httpupload.config.ParameterSource;
import io.github.httpupload.config.Parameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** How files are kept: directory, fsync, sizes and the three durations. */
class StorageSettingsTest {

    @TempDir
    Path dir;

    private StorageSettings load(Map<String, String> values) {
        Map<String, String> withDir = new HashMap<>(values);
        withDir.putIfAbsent(Parameters.STORAGE_DIR, dir.toString());
        return StorageSettings.from(ParameterSource.of(withDir));
    }

    @Test
    void retentionAndLimitsAreOffByDefault() {
        StorageSettings settings = load(Map.of());

        assertEquals(dir, settings.storageDir());
        assertTrue(settings.fsync());
        assertEquals(StorageSettings.UNLIMITED, settings.maxStorageSize());
        assertEquals(0, settings.minFreeSpace());
        assertTrue(settings.expireAfter().isEmpty());
        assertTrue(settings.tombstoneRetention().isEmpty(), "tombstones live as long as files: forever");
        assertEquals(Duration.ofHours(1), settings.sweepInterval());
        assertEquals(StorageSettings.DEFAULT_SWEEP_INTERVAL, settings.sweepInterval());
    }

    @Test
    void parsedDefaultsAreTheProgrammaticOnes() {
        assertEquals(StorageSettings.in(dir).toString(), load(Map.of()).toString());
    }

    @Test
    void everyValueCanBeSet() {
        StorageSettings settings = load(Map.of(
                Parameters.STORAGE_DIR, " " + dir.resolve("x/../uploads") + " ",
                Parameters.FSYNC, "FALSE",
                Parameters.MAX_STORAGE_SIZE, " 10000000000 ",
                Parameters.MIN_FREE_SPACE, "1048576",
                Parameters.EXPIRE_AFTER, "p1dt12h",
                Parameters.TOMBSTONE_RETENTION, "P90D",
                Parameters.SWEEP_INTERVAL, "PT5M"));

        assertEquals(dir.resolve("uploads"), settings.storageDir(), "trimmed and normalized");
        assertFalse(settings.fsync());
        assertEquals(10_000_000_000L, settings.maxStorageSize());
        assertEquals(1_048_576L, settings.minFreeSpace());
        assertEquals(Duration.ofHours(36), settings.expireAfter().orElseThrow());
        assertEquals(Duration.ofDays(90), settings.tombstoneRetention().orElseThrow());
        assertEquals(Duration.ofMinutes(5), settings.sweepInterval());
    }

    @Test
    void boundsAreAccepted() {
        assertEquals(1L, load(Map.of(Parameters.MAX_STORAGE_SIZE, "1")).maxStorageSize());
        assertEquals(0L, load(Map.of(Parameters.MIN_FREE_SPACE, "0")).minFreeSpace());
        assertEquals(Duration.ofSeconds(1), load(Map.of(Parameters.EXPIRE_AFTER, "PT1S")).expireAfter().orElseThrow());
        assertEquals(Duration.ofDays(36_500), load(Map.of(Parameters.EXPIRE_AFTER, "P36500D")).expireAfter().orElseThrow());
        assertEquals(Duration.ofSeconds(1), load(Map.of(Parameters.SWEEP_INTERVAL, "PT1S")).sweepInterval());
    }

    @Test
    void tombstonesLiveAsLongAsFilesUnlessSetAndZeroTurnsThemOff() {
        assertEquals(Duration.ofDays(30), load(Map.of(Parameters.EXPIRE_AFTER, "P30D")).tombstoneRetention().orElseThrow());
        assertEquals(Duration.ofDays(90), load(Map.of(Parameters.EXPIRE_AFTER, "P30D",
                Parameters.TOMBSTONE_RETENTION, "P90D")).tombstoneRetention().orElseThrow());
        assertEquals(Duration.ZERO, load(Map.of(Parameters.TOMBSTONE_RETENTION, "PT0S")).tombstoneRetention().orElseThrow());
        assertEquals(Duration.ZERO, load(Map.of(Parameters.EXPIRE_AFTER, "P30D",
                Parameters.TOMBSTONE_RETENTION, "PT0S")).tombstoneRetention().orElseThrow());
        StorageSettings tombstonesOnly = load(Map.of(Parameters.TOMBSTONE_RETENTION, "P7D"));
        assertTrue(tombstonesOnly.expireAfter().isEmpty());
        assertEquals(Duration.ofDays(7), tombstonesOnly.tombstoneRetention().orElseThrow());
    }

    @Test
    void storageDirIsRequired() {
        ConfigException e = assertThrows(ConfigException.class, () -> StorageSettings.from(ParameterSource.of(Map.of())));

        assertTrue(e.getMessage().contains("[httpupload.storageDir]"), e.getMessage());
        assertTrue(e.getMessage().contains("absolute"), e.getMessage());
    }

    @Test
    void noSecretIsNeededAndOtherComponentsParametersAreNotReadHere() {
        StorageSettings settings = load(Map.of(Parameters.MAX_FILE_SIZE, "ten", Parameters.PROTOCOLS, "jwt",
                Parameters.SECRET, "", Parameters.CORS_MAX_AGE, "-1", Parameters.UPLOAD_IDLE_TIMEOUT, "0"));

        assertEquals(dir, settings.storageDir());
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                arguments(Parameters.STORAGE_DIR, "relative/uploads"),
                arguments(Parameters.STORAGE_DIR, ""),
                arguments(Parameters.STORAGE_DIR, "/var/lib/\u0000upload"),
                arguments(Parameters.FSYNC, "yes"),
                arguments(Parameters.FSYNC, ""),
                arguments(Parameters.MAX_STORAGE_SIZE, "0"),
                arguments(Parameters.MAX_STORAGE_SIZE, "-1"),
                arguments(Parameters.MAX_STORAGE_SIZE, "10G"),
                arguments(Parameters.MAX_STORAGE_SIZE, ""),
                arguments(Parameters.MIN_FREE_SPACE, "-1"),
                arguments(Parameters.MIN_FREE_SPACE, "1GB"),
                arguments(Parameters.MIN_FREE_SPACE, ""),
                arguments(Parameters.EXPIRE_AFTER, "30"),
                arguments(Parameters.EXPIRE_AFTER, "30d"),
                arguments(Parameters.EXPIRE_AFTER, "P1M"),
                arguments(Parameters.EXPIRE_AFTER, "P1Y"),
                arguments(Parameters.EXPIRE_AFTER, "P1W"),
                arguments(Parameters.EXPIRE_AFTER, "PT0S"),
                arguments(Parameters.EXPIRE_AFTER, "PT0.5S"),
                arguments(Parameters.EXPIRE_AFTER, "-P1D"),
                arguments(Parameters.EXPIRE_AFTER, "P36501D"),
                arguments(Parameters.EXPIRE_AFTER, ""),
                arguments(Parameters.TOMBSTONE_RETENTION, "forever"),
                arguments(Parameters.TOMBSTONE_RETENTION, "-PT1S"),
                arguments(Parameters.TOMBSTONE_RETENTION, "P36501D"),
                arguments(Parameters.TOMBSTONE_RETENTION, ""),
                arguments(Parameters.SWEEP_INTERVAL, "PT0.5S"),
                arguments(Parameters.SWEEP_INTERVAL, "PT0S"),
                arguments(Parameters.SWEEP_INTERVAL, "hourly"),
                arguments(Parameters.SWEEP_INTERVAL, "P1000000000000D"),
                arguments(Parameters.SWEEP_INTERVAL, ""));
    }

    @ParameterizedTest(name = "{0}=[{1}] is refused with a message naming both")
    @MethodSource("badValues")
    void badValueIsRefusedWithParameterAndValue(String parameter, String value) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of(parameter, value)));

        assertTrue(e.getMessage().contains("[" + parameter + "] value [" + value + "]"), e.getMessage());
    }

    @Test
    void summaryNamesEveryValue() {
        String defaults = load(Map.of()).toString();
        assertTrue(defaults.contains("httpupload.storageDir=" + dir), defaults);
        assertTrue(defaults.contains("httpupload.fsync=true"), defaults);
        assertTrue(defaults.contains("httpupload.maxStorageSize=(unlimited)"), defaults);
        assertTrue(defaults.contains("httpupload.minFreeSpace=0"), defaults);
        assertTrue(defaults.contains("httpupload.expireAfter=(never)"), defaults);
        assertTrue(defaults.contains("httpupload.tombstoneRetention=(forever)"), defaults);
        assertTrue(defaults.contains("httpupload.sweepInterval=PT1H"), defaults);

        String set = load(Map.of(Parameters.EXPIRE_AFTER, "P30D", Parameters.MAX_STORAGE_SIZE, "5000")).toString();
        assertTrue(set.contains("httpupload.expireAfter=PT720H"), set);
        assertTrue(set.contains("httpupload.tombstoneRetention=PT720H"), set);
        assertTrue(set.contains("httpupload.maxStorageSize=5000"), set);
    }

    @Test
    void withersReturnACopyAndLeaveTheOriginalAlone() {
        StorageSettings original = StorageSettings.in(dir);
        StorageSettings changed = original.withFsync(false).withMaxStorageSize(10).withMinFreeSpace(20)
                .withExpireAfter(Duration.ofDays(1)).withTombstoneRetention(Duration.ZERO)
                .withSweepInterval(Duration.ofMinutes(1));

        assertEquals(StorageSettings.in(dir).toString(), original.toString());
        assertEquals(dir, changed.storageDir());
        assertFalse(changed.fsync());
        assertEquals(10, changed.maxStorageSize());
        assertEquals(20, changed.minFreeSpace());
        assertEquals(Duration.ofDays(1), changed.expireAfter().orElseThrow());
        assertEquals(Duration.ZERO, changed.tombstoneRetention().orElseThrow());
        assertEquals(Duration.ofMinutes(1), changed.sweepInterval());
        assertTrue(changed.withExpireAfter(null).expireAfter().isEmpty());
        assertTrue(changed.withTombstoneRetention(null).tombstoneRetention().isEmpty());
    }
}
