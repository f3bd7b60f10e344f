package io.github.httpupload.config;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.TreeSet;

/**
 * Reads typed values from a {@link ParameterSource}: the one parser behind every component's
 * settings. Every problem is a {@link ConfigException} that names the parameter and its value
 * (never a secret), so a bad deployment fails at start instead of at the first upload.
 */
public final class ParameterReader {

    private static final System.Logger LOG = System.getLogger(ParameterReader.class.getName());
    /** Longer durations overflow date arithmetic; nobody keeps a file for a century. */
    static final Duration MAX_DURATION = Duration.ofDays(36_500);

    private final ParameterSource source;

    public ParameterReader(ParameterSource source) {
        this.source = source;
    }

    /** The raw value, or {@code null} when not set. */
    public String string(String name) {
        return source.get(name);
    }

    /** A whole number from {@code min} to {@code max}; {@code expectation} goes into the error. */
    public long number(String name, long defaultValue, long min, long max, String expectation) {
        String value = source.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            long parsed = Long.parseLong(value.trim());
            if (parsed >= min && parsed <= max) {
                return parsed;
            }
        } catch (NumberFormatException e) {
            // reported below with the parameter's name
        }
        throw ConfigException.badValue(name, value, expectation);
    }

    public int integer(String name, int defaultValue, int min, int max, String expectation) {
        return (int) number(name, defaultValue, min, max, expectation);
    }

    /**
     * An ISO-8601 duration of at least {@code min}, such as {@code P30D} or {@code PT12H}. Months
     * and years are refused: their length varies, and {@link Duration} has none.
     */
    public Duration duration(String name, Duration defaultValue, Duration min) {
        String value = source.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            Duration parsed = Duration.parse(value.trim().toUpperCase(Locale.ROOT));
            if (parsed.compareTo(min) >= 0 && parsed.compareTo(MAX_DURATION) <= 0) {
                return parsed;
            }
        } catch (DateTimeParseException e) {
            // reported below with the parameter's name
        }
        throw ConfigException.badValue(name, value, "expected an ISO-8601 duration from " + min + " to " + MAX_DURATION
                + " (100 years), such as P30D (30 days), PT12H or P1DT12H; weeks, months and years are not accepted (write P7D, P30D, P365D)");
    }

    public boolean bool(String name, boolean defaultValue) {
        String value = source.get(name);
        if (value == null) {
            return defaultValue;
        }
        // Boolean.parseBoolean would silently turn a typo into false.
        switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                throw ConfigException.badValue(name, value, "expected true or false");
        }
    }

    /** An absolute path, normalized; {@code null} when not set. */
    public Path absolutePath(String name) {
        String value = source.get(name);
        if (value == null) {
            return null;
        }
        Path path;
        try {
            path = Path.of(value.trim());
        } catch (InvalidPathException e) {
            throw ConfigException.badValue(name, value, "not a valid path");
        }
        if (!path.isAbsolute()) {
            throw ConfigException.badValue(name, value,
                    "must be an absolute path (a relative one would depend on the container's working directory)");
        }
        return path.normalize();
    }

    /**
     * A secret given inline ({@code valueName}) or as a file ({@code fileName}) — not both —, with
     * final line breaks removed (editors and {@code echo secret > file} add one); {@code null} when
     * neither is set.
     */
    public String secret(String valueName, String fileName) {
        String secret = source.get(valueName);
        String file = source.get(fileName);
        if (secret != null && file != null) {
            throw new ConfigException("Configuration parameters [" + valueName + "] and [" + fileName
                    + "] are both set: set only one of them");
        }
        if (file != null) {
            secret = readUtf8(fileName, file);
        }
        return secret == null ? null : withoutFinalNewlines(secret);
    }

    /** Warns about every {@code httpupload.*} parameter that is not in {@link Parameters#KNOWN} (a typo). */
    public void warnAboutUnknownParameters() {
        for (String name : source.names()) {
            if (name.startsWith(Parameters.PREFIX) && !Parameters.KNOWN.contains(name)) {
                LOG.log(Level.WARNING, "Ignoring unknown configuration parameter [{0}]; known parameters are {1}",
                        name, new TreeSet<>(Parameters.KNOWN));
            }
        }
    }

    private static String readUtf8(String parameter, String file) {
        try {
            byte[] bytes = Files.readAllBytes(Path.of(file));
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw ConfigException.badValue(parameter, file, "the file is not valid UTF-8");
        } catch (IOException | InvalidPathException e) {
            throw ConfigException.badValue(parameter, file, "cannot read the secret file (" + e + ")");
        }
    }

    private static String withoutFinalNewlines(String value) {
        int end = value.length();
        while (end > 0 && (value.charAt(end - 1) == '\n' || value.charAt(end - 1) == '\r')) {
            end--;
        }
        return value.substring(0, end);
    }
}
