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
import java.util.EnumSet;
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
    /** scheme://host[:port], nothing after: what a browser sends in the Origin header. */
    private static final Pattern ORIGIN = Pattern.compile("(?i)https?://[a-z0-9.\\-\\[\\]:]+");

    private ConfigLoader() {
    }

    public static UploadConfig load(ParameterSource source) {
        warnAboutUnknownParameters(source);
        return new UploadConfig(
                new SecretKeySpec(secret(source), "HmacSHA256"),
                number(source, PARAM_MAX_FILE_SIZE, DEFAULT_MAX_FILE_SIZE, 1, Long.MAX_VALUE,
                        "expected a positive whole number of bytes"),
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

    private static byte[] secret(ParameterSource source) {
        String secret = source.get(PARAM_SECRET);
        String secretFile = source.get(PARAM_SECRET_FILE);
        if (secret != null && secretFile != null) {
            throw new ConfigException("Configuration parameters [" + PARAM_SECRET + "] and [" + PARAM_SECRET_FILE
                    + "] are both set: set only one of them");
        }
        if (secretFile != null) {
            secret = readSecretFile(secretFile);
        } else if (secret == null) {
            throw new ConfigException("Missing configuration parameter [" + PARAM_SECRET + "] (or [" + PARAM_SECRET_FILE
                    + "]): set it to the secret shared with the XMPP server");
        }
        if (secret.isEmpty()) {
            throw new ConfigException("Invalid configuration parameter [" + (secretFile != null ? PARAM_SECRET_FILE : PARAM_SECRET)
                    + "]: the secret is empty");
        }
        return secret.getBytes(StandardCharsets.UTF_8);
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
        // Editors and `echo secret > file` add a final newline that is not part of the secret.
        int end = content.length();
        while (end > 0 && (content.charAt(end - 1) == '\n' || content.charAt(end - 1) == '\r')) {
            end--;
        }
        return content.substring(0, end);
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
                        "unknown protocol [" + name.trim() + "]; expected a comma-separated list of v, v2, token");
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
