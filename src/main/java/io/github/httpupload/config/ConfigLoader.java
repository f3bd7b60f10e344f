package io.github.httpupload.config;

import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static io.github.httpupload.config.UploadConfig.*;

/**
 * Parses and validates an {@link UploadConfig} from a {@link ParameterSource}. Every problem is a
 * {@link ConfigException} that names the parameter and its value (never the secret), so a bad
 * deployment fails at start instead of at the first upload.
 */
public final class ConfigLoader {

    private static final System.Logger LOG = System.getLogger(ConfigLoader.class.getName());
    private static final String PREFIX = "httpupload.";
    /** The current secret and one older one, during a rotation. */
    private static final int MAX_SECRETS = 2;
    /** Longer durations overflow date arithmetic; nobody keeps a file for a century. */
    private static final Duration MAX_DURATION = Duration.ofDays(36_500);
    /** scheme://host[:port], nothing after: what a browser sends in the Origin header. */
    private static final Pattern ORIGIN = Pattern.compile("(?i)https?://[a-z0-9.\\-\\[\\]:]+");

    private ConfigLoader() {
    }

    public static UploadConfig load(ParameterSource source) {
        warnAboutUnknownParameters(source);
        Duration expireAfter = duration(source, PARAM_EXPIRE_AFTER, null, Duration.ofSeconds(1));
        return new UploadConfig(
                secrets(source).stream().map(secret -> new SecretKeySpec(secret, "HmacSHA256")).toList(),
                deleteSecret(source),
                number(source, PARAM_MAX_FILE_SIZE, DEFAULT_MAX_FILE_SIZE, 1, Long.MAX_VALUE,
                        "expected a positive whole number of bytes"),
                number(source, PARAM_MAX_STORAGE_SIZE, UNLIMITED, 1, Long.MAX_VALUE,
                        "expected a positive whole number of bytes"),
                number(source, PARAM_MIN_FREE_SPACE, 0, 0, Long.MAX_VALUE,
                        "expected a whole number of bytes, 0 or more"),
                expireAfter,
                // Default: a deleted file's URLs answer 410 for as long as the file itself lived.
                duration(source, PARAM_TOMBSTONE_RETENTION, expireAfter, Duration.ZERO),
                duration(source, PARAM_SWEEP_INTERVAL, DEFAULT_SWEEP_INTERVAL, Duration.ofSeconds(1)),
                protocols(source),
                (int) number(source, PARAM_MIN_PATH_SEGMENTS, DEFAULT_MIN_PATH_SEGMENTS, 1, Integer.MAX_VALUE,
                        "expected a positive whole number"),
                storageDir(source),
                bool(source, PARAM_FSYNC, DEFAULT_FSYNC),
                corsOrigins(source),
                (int) number(source, PARAM_CORS_MAX_AGE, DEFAULT_CORS_MAX_AGE, 0, Integer.MAX_VALUE,
                        "expected a whole number of seconds, 0 or more"),
                (int) number(source, PARAM_UPLOAD_IDLE_TIMEOUT, DEFAULT_UPLOAD_IDLE_TIMEOUT, 1, 86_400,
                        "expected a whole number of seconds from 1 to 86400"));
    }

    /**
     * The shared secrets, one per line: the current one, then optionally the previous one, which
     * stays valid while the XMPP server is switched over (no flag day). In a {@code context.xml}
     * attribute the line break is written {@code &#10;}; in a secret file it is simply a second line.
     */
    private static List<byte[]> secrets(ParameterSource source) {
        String secret = source.get(PARAM_SECRET);
        String secretFile = source.get(PARAM_SECRET_FILE);
        if (secret != null && secretFile != null) {
            throw new ConfigException("Configuration parameters [" + PARAM_SECRET + "] and [" + PARAM_SECRET_FILE
                    + "] are both set: set only one of them");
        }
        String parameter = secretFile != null ? PARAM_SECRET_FILE : PARAM_SECRET;
        if (secretFile != null) {
            secret = readSecretFile(secretFile);
        } else if (secret == null) {
            throw new ConfigException("Missing configuration parameter [" + PARAM_SECRET + "] (or [" + PARAM_SECRET_FILE
                    + "]): set it to the secret shared with the XMPP server");
        }
        // Editors and `echo secret > file` add a final newline that is not part of the secret.
        String[] lines = withoutFinalNewlines(secret).split("\r?\n", -1);
        if (lines.length > MAX_SECRETS) {
            throw new ConfigException("Invalid configuration parameter [" + parameter + "]: " + lines.length
                    + " lines; expected the current secret, optionally followed by one older secret on a second line");
        }
        List<byte[]> secrets = new ArrayList<>(lines.length);
        for (String line : lines) {
            if (line.isEmpty()) {
                throw new ConfigException("Invalid configuration parameter [" + parameter + "]: "
                        + (lines.length == 1 ? "the secret is empty" : "a line is empty; expected one secret per line"));
            }
            secrets.add(line.getBytes(StandardCharsets.UTF_8));
        }
        return secrets;
    }

    private static String deleteSecret(ParameterSource source) {
        String value = source.get(PARAM_DELETE_SECRET);
        if (value != null && value.isEmpty()) {
            throw new ConfigException("Invalid configuration parameter [" + PARAM_DELETE_SECRET
                    + "]: the secret is empty; remove the parameter to disable DELETE");
        }
        return value;
    }

    private static String readSecretFile(String file) {
        String content;
        try {
            byte[] bytes = Files.readAllBytes(Path.of(file));
            content = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw ConfigException.badValue(PARAM_SECRET_FILE, file, "the file is not valid UTF-8");
        } catch (IOException | InvalidPathException e) {
            throw ConfigException.badValue(PARAM_SECRET_FILE, file, "cannot read the secret file (" + e + ")");
        }
        return content;
    }

    private static String withoutFinalNewlines(String value) {
        int end = value.length();
        while (end > 0 && (value.charAt(end - 1) == '\n' || value.charAt(end - 1) == '\r')) {
            end--;
        }
        return value.substring(0, end);
    }

    private static Set<TokenProtocol> protocols(ParameterSource source) {
        String value = source.get(PARAM_PROTOCOLS);
        if (value == null) {
            return DEFAULT_PROTOCOLS;
        }
        Set<TokenProtocol> protocols = EnumSet.noneOf(TokenProtocol.class);
        for (String name : value.split(",", -1)) {
            TokenProtocol protocol = TokenProtocol.byName(name);
            if (protocol == null) {
                throw ConfigException.badValue(PARAM_PROTOCOLS, value,
                        "unknown protocol [" + name.trim() + "]; expected a comma-separated list of v, v2, token, bearer");
            }
            protocols.add(protocol);
        }
        return protocols;
    }

    /** {@code *}, or a comma-separated list of exact origins such as {@code https://chat.example.org}. */
    private static Set<String> corsOrigins(ParameterSource source) {
        String value = source.get(PARAM_CORS_ALLOWED_ORIGINS);
        if (value == null || value.trim().equals(ANY_ORIGIN)) {
            return Set.of(ANY_ORIGIN);
        }
        Set<String> origins = new TreeSet<>();
        for (String origin : value.split(",", -1)) {
            String trimmed = origin.trim();
            if (!ORIGIN.matcher(trimmed).matches()) {
                throw ConfigException.badValue(PARAM_CORS_ALLOWED_ORIGINS, value, "[" + trimmed
                        + "] is not an origin; expected * or a comma-separated list like https://chat.example.org");
            }
            // Browsers send scheme and host in lower case.
            origins.add(trimmed.toLowerCase(Locale.ROOT));
        }
        return origins;
    }

    private static Path storageDir(ParameterSource source) {
        String value = source.get(PARAM_STORAGE_DIR);
        if (value == null) {
            return null;
        }
        Path path;
        try {
            path = Path.of(value.trim());
        } catch (InvalidPathException e) {
            throw ConfigException.badValue(PARAM_STORAGE_DIR, value, "not a valid path");
        }
        if (!path.isAbsolute()) {
            throw ConfigException.badValue(PARAM_STORAGE_DIR, value,
                    "must be an absolute path (a relative one would depend on the container's working directory)");
        }
        return path.normalize();
    }

    /** A whole number from {@code min} to {@code max}; the expectation text goes into the error. */
    private static long number(ParameterSource source, String name, long defaultValue, long min, long max,
                               String expectation) {
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

    /**
     * An ISO-8601 duration of at least {@code min}, such as {@code P30D} or {@code PT12H}. Months
     * and years are refused: their length varies, and {@link Duration} has none.
     */
    private static Duration duration(ParameterSource source, String name, Duration defaultValue, Duration min) {
        String value = source.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            Duration parsed = Duration.parse(value.trim().toUpperCase(Locale.ROOT));
            if (parsed.compareTo(min) >= 0 && parsed.compareTo(MAX_DURATION) <= 0) {
                return parsed;
            }
        } catch (java.time.format.DateTimeParseException e) {
            // reported below with the parameter's name
        }
        throw ConfigException.badValue(name, value, "expected an ISO-8601 duration from " + min + " to " + MAX_DURATION
                + " (100 years), such as P30D (30 days), PT12H or P1DT12H; weeks, months and years are not accepted (write P7D, P30D, P365D)");
    }

    private static boolean bool(ParameterSource source, String name, boolean defaultValue) {
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

    private static void warnAboutUnknownParameters(ParameterSource source) {
        for (String name : source.names()) {
            if (name.startsWith(PREFIX) && !KNOWN_PARAMETERS.contains(name)) {
                LOG.log(Level.WARNING, "Ignoring unknown configuration parameter [{0}]; known parameters are {1}",
                        name, new TreeSet<>(KNOWN_PARAMETERS));
            }
        }
    }
}
