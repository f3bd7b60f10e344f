package io.github.httpupload.web;

import io.github.httpupload.config.ConfigException;
import io.github.httpupload.config.ParameterSource;
import io.github.httpupload.config.Parameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

/** Which browser origins may use the service, and for how long a preflight answer may be cached. */
class CorsSettingsTest {

    private static CorsSettings load(Map<String, String> values) {
        return CorsSettings.from(ParameterSource.of(values));
    }

    @Test
    void defaults() {
        CorsSettings settings = load(Map.of());

        assertEquals(Set.of("*"), settings.allowedOrigins());
        assertTrue(settings.anyOrigin());
        assertEquals(86400, settings.maxAge());
        assertEquals(CorsSettings.DEFAULT_MAX_AGE, settings.maxAge());
    }

    @Test
    void noSecretIsNeededAndOtherComponentsParametersAreNotReadHere() {
        CorsSettings settings = load(Map.of(Parameters.MAX_FILE_SIZE, "ten", Parameters.STORAGE_DIR, "relative",
                Parameters.UPLOAD_IDLE_TIMEOUT, "0"));

        assertTrue(settings.anyOrigin());
    }

    @Test
    void anExplicitStarIsAnyOrigin() {
        assertTrue(load(Map.of(Parameters.CORS_ALLOWED_ORIGINS, " * ")).anyOrigin());
        assertEquals(Set.of("*"), load(Map.of(Parameters.CORS_ALLOWED_ORIGINS, "*")).allowedOrigins());
    }

    @Test
    void originsAreTrimmedAndLowerCased() {
        CorsSettings settings = load(Map.of(
                Parameters.CORS_ALLOWED_ORIGINS, "https://Chat.Example.org , http://127.0.0.1:5280,HTTPS://web.example.net:8443",
                Parameters.CORS_MAX_AGE, "0"));

        assertEquals(Set.of("https://chat.example.org", "http://127.0.0.1:5280", "https://web.example.net:8443"),
                settings.allowedOrigins());
        assertFalse(settings.anyOrigin());
        assertEquals(0, settings.maxAge());
    }

    @Test
    void anIpv6OriginIsAccepted() {
        assertEquals(Set.of("http://[::1]:5280"), load(Map.of(Parameters.CORS_ALLOWED_ORIGINS, "http://[::1]:5280")).allowedOrigins());
    }

    @Test
    void maxAgeAcceptsItsBounds() {
        assertEquals(0, load(Map.of(Parameters.CORS_MAX_AGE, "0")).maxAge());
        assertEquals(Integer.MAX_VALUE, load(Map.of(Parameters.CORS_MAX_AGE, String.valueOf(Integer.MAX_VALUE))).maxAge());
        assertEquals(7200, load(Map.of(Parameters.CORS_MAX_AGE, " 7200 ")).maxAge());
    }

    @Test
    void theOriginsAreImmutable() {
        CorsSettings settings = load(Map.of(Parameters.CORS_ALLOWED_ORIGINS, "https://a.example"));

        assertThrows(UnsupportedOperationException.class, () -> settings.allowedOrigins().add("https://b.example"));
    }

    @Test
    void summaryNamesBothValues() {
        String summary = load(Map.of(Parameters.CORS_ALLOWED_ORIGINS, "https://b.example,https://a.example",
                Parameters.CORS_MAX_AGE, "60")).toString();

        assertEquals("httpupload.cors.allowedOrigins=https://a.example,https://b.example, httpupload.cors.maxAge=60", summary);
    }

    static Stream<Arguments> badValues() {
        return Stream.of(
                arguments(Parameters.CORS_ALLOWED_ORIGINS, "chat.example.org"),
                arguments(Parameters.CORS_ALLOWED_ORIGINS, "https://chat.example.org/"),
                arguments(Parameters.CORS_ALLOWED_ORIGINS, "https://chat.example.org/path"),
                arguments(Parameters.CORS_ALLOWED_ORIGINS, "ftp://chat.example.org"),
                arguments(Parameters.CORS_ALLOWED_ORIGINS, "https://a.example, *"),
                arguments(Parameters.CORS_ALLOWED_ORIGINS, "https://a.example,"),
                arguments(Parameters.CORS_ALLOWED_ORIGINS, "https://a.example https://b.example"),
                arguments(Parameters.CORS_ALLOWED_ORIGINS, "null"),
                arguments(Parameters.CORS_ALLOWED_ORIGINS, ""),
                arguments(Parameters.CORS_ALLOWED_ORIGINS, " "),
                arguments(Parameters.CORS_MAX_AGE, "-1"),
                arguments(Parameters.CORS_MAX_AGE, "a day"),
                arguments(Parameters.CORS_MAX_AGE, "1d"),
                arguments(Parameters.CORS_MAX_AGE, ""),
                arguments(Parameters.CORS_MAX_AGE, "2147483648"));
    }

    @ParameterizedTest(name = "{0}=[{1}] is refused with a message naming both")
    @MethodSource("badValues")
    void badValueIsRefusedWithParameterAndValue(String parameter, String value) {
        ConfigException e = assertThrows(ConfigException.class, () -> load(Map.of(parameter, value)));

        assertTrue(e.getMessage().contains("[" + parameter + "] value [" + value + "]"), e.getMessage());
    }

    @Test
    void theBadOriginInAListIsNamed() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> load(Map.of(Parameters.CORS_ALLOWED_ORIGINS, "https://a.example, chat.example.org ")));

        assertTrue(e.getMessage().contains("[chat.example.org] is not an origin"), e.getMessage());
    }
}
