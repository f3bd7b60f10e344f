package io.github.httpupload.web;

import io.github.httpupload.auth.AuthSettings;
import io.github.httpupload.config.ParameterReader;
import io.github.httpupload.config.ParameterSource;
import io.github.httpupload.config.Parameters;
import io.github.httpupload.testsupport.LogCapture;
import jakarta.servlet.FilterConfig;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletContext;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.util.Collections;
import java.util.Enumeration;
import java.util.Map;
import java.util.Set;
import java.util.logging.Level;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A component's init-params layered over the context parameters, and the warning when one hides the other. */
class ServletParametersTest {

    private static final String FILTER = "HmacAuthFilter";
    private static final String SERVLET = "UploadServlet";
    private static final String HIDES = "hides the context parameter";

    /** A context that answers only for its init parameters (all a {@link ServletParameters} asks it). */
    private static ServletContext context(Map<String, String> parameters) {
        return (ServletContext) Proxy.newProxyInstance(ServletContext.class.getClassLoader(),
                new Class<?>[] {ServletContext.class}, (proxy, method, args) -> switch (method.getName()) {
                    case "getInitParameter" -> parameters.get((String) args[0]);
                    case "getInitParameterNames" -> Collections.enumeration(parameters.keySet());
                    case "toString" -> "context" + parameters.keySet();
                    default -> throw new UnsupportedOperationException(method.getName());
                });
    }

    private static FilterConfig filter(Map<String, String> own, ServletContext context) {
        return new FilterConfig() {
            @Override
            public String getFilterName() {
                return FILTER;
            }

            @Override
            public ServletContext getServletContext() {
                return context;
            }

            @Override
            public String getInitParameter(String name) {
                return own.get(name);
            }

            @Override
            public Enumeration<String> getInitParameterNames() {
                return Collections.enumeration(own.keySet());
            }
        };
    }

    private static ServletConfig servlet(Map<String, String> own, ServletContext context) {
        return new ServletConfig() {
            @Override
            public String getServletName() {
                return SERVLET;
            }

            @Override
            public ServletContext getServletContext() {
                return context;
            }

            @Override
            public String getInitParameter(String name) {
                return own.get(name);
            }

            @Override
            public Enumeration<String> getInitParameterNames() {
                return Collections.enumeration(own.keySet());
            }
        };
    }

    /** The warnings logged while {@code action} runs. */
    private static String warnings(Runnable action) {
        try (LogCapture capture = new LogCapture(Level.WARNING)) {
            action.run();
            return capture.text();
        }
    }

    // --- layering -----------------------------------------------------------------------------

    @Test
    void initParamFirstThenContextParameterThenNothing() {
        ServletContext context = context(Map.of(Parameters.MAX_FILE_SIZE, "1000", Parameters.FSYNC, "false"));
        ParameterSource source = ServletParameters.of(filter(Map.of(Parameters.MAX_FILE_SIZE, "2000"), context));

        assertEquals("2000", source.get(Parameters.MAX_FILE_SIZE));
        assertEquals("false", source.get(Parameters.FSYNC));
        assertNull(source.get(Parameters.PROTOCOLS));
    }

    @Test
    void anEmptyInitParamIsSetAndHidesTheContextParameter() {
        ServletContext context = context(Map.of(Parameters.PROTOCOLS, "v2"));
        ParameterSource source = ServletParameters.of(filter(Map.of(Parameters.PROTOCOLS, ""), context));

        assertEquals("", source.get(Parameters.PROTOCOLS));
    }

    @Test
    void servletConfigIsLayeredTheSameWay() {
        ServletContext context = context(Map.of(Parameters.UPLOAD_IDLE_TIMEOUT, "60", Parameters.STORAGE_DIR, "/srv/up"));
        ParameterSource source = ServletParameters.of(servlet(Map.of(Parameters.UPLOAD_IDLE_TIMEOUT, "5"), context));

        assertEquals("5", source.get(Parameters.UPLOAD_IDLE_TIMEOUT));
        assertEquals("/srv/up", source.get(Parameters.STORAGE_DIR));
    }

    @Test
    void theContextAloneIsItsParameters() {
        ParameterSource source = ServletParameters.of(context(Map.of(Parameters.FSYNC, "true")));

        assertEquals("true", source.get(Parameters.FSYNC));
        assertNull(source.get(Parameters.SECRET));
        assertEquals(Set.of(Parameters.FSYNC), source.names());
    }

    @Test
    void namesAreTheUnionOfBoth() {
        ServletContext context = context(Map.of(Parameters.SECRET, "x", "org.example.other", "y"));
        ParameterSource source = ServletParameters.of(filter(Map.of(Parameters.SECRET, "z", "httpupload.maxFilesize", "1"), context));

        assertEquals(Set.of(Parameters.SECRET, "org.example.other", "httpupload.maxFilesize"), source.names());
    }

    @Test
    void componentSettingsReadThroughTheLayers() {
        ServletContext context = context(Map.of(Parameters.SECRET, "context-secret", Parameters.MAX_FILE_SIZE, "1000",
                Parameters.PROTOCOLS, "v"));
        AuthSettings settings = AuthSettings.from(ServletParameters.of(
                filter(Map.of(Parameters.MAX_FILE_SIZE, "2000"), context)));

        assertEquals(2000, settings.maxFileSize());
        assertEquals(Set.of(io.github.httpupload.auth.TokenProtocol.V), settings.protocols());
    }

    @Test
    void aTypoInEitherLayerIsWarnedAbout() {
        ServletContext context = context(Map.of("httpupload.expireAfterr", "P1D"));
        ParameterSource source = ServletParameters.of(filter(Map.of("httpupload.maxFilesize", "1"), context));

        String log = warnings(() -> new ParameterReader(source).warnAboutUnknownParameters());

        assertTrue(log.contains("[httpupload.expireAfterr]"), log);
        assertTrue(log.contains("[httpupload.maxFilesize]"), log);
    }

    // --- the warning when an init-param hides a context parameter ------------------------------

    @Test
    void anInitParamThatHidesAContextParameterIsWarnedAboutByNameNeverValue() {
        ServletContext context = context(Map.of(Parameters.SECRET, "context-s3cr3t", Parameters.FSYNC, "true"));
        FilterConfig config = filter(Map.of(Parameters.SECRET, "init-s3cr3t", Parameters.MAX_FILE_SIZE, "5"), context);

        String log = warnings(() -> ServletParameters.of(config));

        assertEquals(1, log.lines().count(), log);
        assertTrue(log.contains("[" + Parameters.SECRET + "]"), log);
        assertTrue(log.contains(HIDES), log);
        assertTrue(log.contains(FILTER), "names the component: " + log);
        assertFalse(log.contains(Parameters.MAX_FILE_SIZE), log);
        assertFalse(log.contains("s3cr3t"), log);
    }

    @Test
    void oneWarningPerHiddenParameterAndForServletsToo() {
        ServletContext context = context(Map.of(Parameters.UPLOAD_IDLE_TIMEOUT, "60", Parameters.STORAGE_DIR, "/a"));
        ServletConfig config = servlet(Map.of(Parameters.UPLOAD_IDLE_TIMEOUT, "5", Parameters.STORAGE_DIR, "/b"), context);

        String log = warnings(() -> ServletParameters.of(config));

        assertEquals(2, log.lines().filter(line -> line.contains(HIDES)).count(), log);
        assertTrue(log.contains("[" + Parameters.UPLOAD_IDLE_TIMEOUT + "] of " + SERVLET), log);
        assertTrue(log.contains("[" + Parameters.STORAGE_DIR + "] of " + SERVLET), log);
    }

    @Test
    void anInitParamEqualToTheContextParameterIsStillWarnedAbout() {
        // Same value today, but the context file's value is not the one in use: editing it changes nothing.
        ServletContext context = context(Map.of(Parameters.MAX_FILE_SIZE, "5000"));

        String log = warnings(() -> ServletParameters.of(filter(Map.of(Parameters.MAX_FILE_SIZE, "5000"), context)));

        assertTrue(log.contains("[" + Parameters.MAX_FILE_SIZE + "]") && log.contains(HIDES), log);
    }

    @Test
    void anEmptyInitParamThatHidesAContextParameterIsWarnedAbout() {
        ServletContext context = context(Map.of(Parameters.DELETE_SECRET, "metronome"));

        String log = warnings(() -> ServletParameters.of(filter(Map.of(Parameters.DELETE_SECRET, ""), context)));

        assertTrue(log.contains("[" + Parameters.DELETE_SECRET + "]") && log.contains(HIDES), log);
        assertFalse(log.contains("metronome"), log);
    }

    @Test
    void noWarningWhenNothingIsHidden() {
        ServletContext context = context(Map.of(Parameters.SECRET, "context-secret", Parameters.FSYNC, "true",
                "org.example.shared", "context"));

        String log = warnings(() -> {
            ServletParameters.of(filter(Map.of(), context));
            ServletParameters.of(filter(Map.of(Parameters.MAX_FILE_SIZE, "5"), context));
            ServletParameters.of(servlet(Map.of(Parameters.UPLOAD_IDLE_TIMEOUT, "5"), context));
            ServletParameters.of(filter(Map.of(Parameters.SECRET, "own"), context(Map.of())));
            // Only httpupload.* names are ours to warn about.
            ServletParameters.of(filter(Map.of("org.example.shared", "own"), context));
            ServletParameters.of(context);
        });

        assertFalse(log.contains(HIDES), log);
    }

    @Test
    void theWarningIsGivenOnceAtStartNotOnEveryLookup() {
        ServletContext context = context(Map.of(Parameters.FSYNC, "true"));

        String log = warnings(() -> {
            ParameterSource source = ServletParameters.of(filter(Map.of(Parameters.FSYNC, "false"), context));
            for (int i = 0; i < 3; i++) {
                source.get(Parameters.FSYNC);
                source.names();
            }
        });

        assertEquals(1, log.lines().filter(line -> line.contains(HIDES)).count(), log);
    }
}
