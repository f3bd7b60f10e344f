package io.github.httpupload.web;

import io.github.httpupload.config.ConfigException;
import io.github.httpupload.config.ParameterSource;
import io.github.httpupload.config.Parameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What the servlet reads beyond its storage: the upload idle timeout, and whether DELETE is offered. */
class UploadServletSettingsTest {

    private static UploadServletSettings load(Map<String, String> values) {
        return UploadServletSettings.from(ParameterSource.of(values));
    }

    @Test
    void defaults() {
        UploadServletSettings settings = load(Map.of());

        assertEquals(30, settings.uploadIdleTimeout());
        assertEquals(UploadServletSettings.DEFAULT_UPLOAD_IDLE_TIMEOUT, settings.uploadIdleTimeout());
        assertFalse(settings.deleteEnabled());
    }

    @Test
    void noSecretOrStorageIsNeededAndOtherComponentsParametersAreNotReadHere() {
        UploadServletSettings settings = load(Map.of(Parameters.MAX_FILE_SIZE, "ten", Parameters.PROTOCOLS, "jwt",
                Parameters.CORS_MAX_AGE, "-1", Parameters.FSYNC, "yes"));

        assertEquals(30, settings.uploadIdleTimeout());
    }

    @Test
    void idleTimeoutAcceptsItsBounds() {
        assertEquals(1, load(Map.of(Parameters.UPLOAD_IDLE_TIMEOUT, "1")).uploadIdleTimeout());
        assertEquals(86_400, load(Map.of(Parameters.UPLOAD_IDLE_TIMEOUT, "86400")).uploadIdleTimeout());
        assertEquals(120, load(Map.of(Parameters.UPLOAD_IDLE_TIMEOUT, " 120 ")).uploadIdleTimeout());
    }

    @ParameterizedTest(name = "[{0}] is refused")
    @ValueSource(strings = {"0", "-1", "86401", "30s", "PT30S", "", "2147483648"})
    void badIdleTimeoutIsRefusedWithParameterAndValue(String value) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of(Parameters.UPLOAD_IDLE_TIMEOUT, value)));

        assertTrue(e.getMessage().contains("[httpupload.uploadIdleTimeout] value [" + value + "]"), e.getMessage());
        assertTrue(e.getMessage().contains("1 to 86400"), e.getMessage());
    }

    @Test
    void deleteIsOfferedWhenADeleteSecretIsSetWhichIsNeverShown() {
        UploadServletSettings settings = load(Map.of(Parameters.DELETE_SECRET, "metronome-delete-secret"));

        assertTrue(settings.deleteEnabled());
        assertFalse(settings.toString().contains("metronome-delete-secret"), settings.toString());
        assertEquals("httpupload.uploadIdleTimeout=30, DELETE enabled", settings.toString());
        assertEquals("httpupload.uploadIdleTimeout=30, DELETE disabled", load(Map.of()).toString());
    }
}
