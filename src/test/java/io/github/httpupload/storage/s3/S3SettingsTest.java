package io.github.httpupload.storage.s3;

import io.github.httpupload.config.ConfigException;
import io.github.httpupload.config.ParameterSource;
import io.github.httpupload.config.Parameters;
import io.github.httpupload.storage.StorageSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code httpupload.storage=s3} and the {@code httpupload.s3.*} parameters, parsed once at start. */
class S3SettingsTest {

    private static StorageSettings load(Map<String, String> parameters) {
        Map<String, String> all = new HashMap<>(parameters);
        all.put(Parameters.STORAGE, "s3");
        all.putIfAbsent(Parameters.S3_BUCKET, "chat-files");
        return StorageSettings.from(ParameterSource.of(all));
    }

    private static S3Settings s3(Map<String, String> parameters) {
        return load(parameters).s3().orElseThrow();
    }

    @Test
    void defaultsAreAwsByRegionWithTheSdkCredentialChainAndDownloadsThroughTheService() {
        S3Settings settings = s3(Map.of());
        assertEquals("chat-files", settings.bucket());
        assertEquals(Optional.empty(), settings.endpoint());
        assertEquals("us-east-1", settings.region());
        assertEquals("", settings.prefix());
        assertFalse(settings.pathStyle(), "AWS: virtual-hosted addressing");
        assertEquals(Optional.empty(), settings.accessKeyId());
        assertFalse(settings.presignedDownloads());
        assertEquals(Duration.ofMinutes(5), settings.presignedLifetime());
    }

    @Test
    void anEndpointTurnsPathStyleOnUnlessSaidOtherwise() {
        assertTrue(s3(Map.of(Parameters.S3_ENDPOINT, "http://127.0.0.1:7480")).pathStyle());
        assertFalse(s3(Map.of(Parameters.S3_ENDPOINT, "https://s3.example.net", Parameters.S3_PATH_STYLE, "false")).pathStyle());
        assertEquals(Optional.of(URI.create("http://127.0.0.1:7480")), s3(Map.of(Parameters.S3_ENDPOINT, "http://127.0.0.1:7480")).endpoint());
    }

    @Test
    void theSecretComesFromAFileAndNeverShowsInTheSummary(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("s3-secret");
        Files.writeString(file, "wJalrXUtnFEMI-secret\n");
        S3Settings settings = s3(Map.of(Parameters.S3_ACCESS_KEY_ID, "AKIDEXAMPLE",
                Parameters.S3_SECRET_ACCESS_KEY_FILE, file.toString()));
        assertEquals(Optional.of("wJalrXUtnFEMI-secret"), settings.secretAccessKey());
        String summary = load(Map.of(Parameters.S3_ACCESS_KEY_ID, "AKIDEXAMPLE",
                Parameters.S3_SECRET_ACCESS_KEY, "wJalrXUtnFEMI-secret")).toString();
        assertTrue(summary.contains("AKIDEXAMPLE"), summary);
        assertFalse(summary.contains("wJalrXUtnFEMI"), summary);
    }

    @ParameterizedTest(name = "[{0}] = [{1}] fails the start naming both")
    @CsvSource(delimiter = '|', value = {
            "httpupload.s3.bucket|Chat_Files",
            "httpupload.s3.endpoint|ftp://store.example.net",
            "httpupload.s3.endpoint|http://store.example.net/bucket",
            "httpupload.s3.region|US East",
            "httpupload.s3.prefix|/upload/",
            "httpupload.s3.prefix|upload",
            "httpupload.s3.pathStyle|yes",
            "httpupload.s3.presignedDownloads|on",
            "httpupload.s3.presignedLifetime|P8D",
            "httpupload.maxFileSize|5368709121"})
    void aBadValueFailsTheStartNamingParameterAndValue(String name, String value) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of(name, value)));
        assertTrue(e.getMessage().contains("[" + name + "]"), e.getMessage());
        assertTrue(e.getMessage().contains(value), e.getMessage());
    }

    @Test
    void fiveGibibytesIsTheLargestUploadOnePutObjectTakes() {
        load(Map.of(Parameters.MAX_FILE_SIZE, "5368709120"));
    }

    @ParameterizedTest(name = "{0} cannot hold with s3")
    @ValueSource(strings = {Parameters.STORAGE_DIR, Parameters.FSYNC, Parameters.MAX_STORAGE_SIZE, Parameters.MIN_FREE_SPACE})
    void aLocalOnlyParameterFailsTheStartInsteadOfBeingIgnored(String name) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of(name, "/var/lib/http-upload")));
        assertTrue(e.getMessage().contains("[" + name + "]") && e.getMessage().contains("[s3]"), e.getMessage());
    }

    @Test
    void credentialsInTheEndpointFailTheStartWithoutBeingRepeated() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> load(Map.of(Parameters.S3_ENDPOINT, "http://AKID:hunter2-secret@127.0.0.1:7480")));
        assertTrue(e.getMessage().contains("[" + Parameters.S3_ENDPOINT + "]"), e.getMessage());
        assertFalse(e.getMessage().contains("hunter2"), e.getMessage());
    }

    @Test
    void aBucketWithoutStorageS3FailsTheStartInsteadOfStoringLocally() {
        ConfigException e = assertThrows(ConfigException.class, () -> StorageSettings.from(ParameterSource.of(Map.of(
                Parameters.STORAGE_DIR, "/var/lib/http-upload", Parameters.S3_BUCKET, "chat-files"))));
        assertTrue(e.getMessage().contains("[" + Parameters.S3_BUCKET + "]") && e.getMessage().contains(Parameters.STORAGE),
                e.getMessage());
    }

    @Test
    void keysComeInPairsAndTheBucketIsRequired() {
        ConfigException half = assertThrows(ConfigException.class, () -> load(Map.of(Parameters.S3_ACCESS_KEY_ID, "AKIDEXAMPLE")));
        assertTrue(half.getMessage().contains(Parameters.S3_SECRET_ACCESS_KEY), half.getMessage());
        ConfigException none = assertThrows(ConfigException.class, () -> StorageSettings.from(ParameterSource.of(
                Map.of(Parameters.STORAGE, "s3"))));
        assertTrue(none.getMessage().contains(Parameters.S3_BUCKET), none.getMessage());
        ConfigException other = assertThrows(ConfigException.class, () -> StorageSettings.from(ParameterSource.of(
                Map.of(Parameters.STORAGE, "gcs"))));
        assertTrue(other.getMessage().contains("[" + Parameters.STORAGE + "] value [gcs]"), other.getMessage());
    }
}
