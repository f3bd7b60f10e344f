package io.github.httpupload.auth;

import io.github.httpupload.config.ConfigException;
import io.github.httpupload.config.ParameterReader;
import io.github.httpupload.config.ParameterSource;

import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static io.github.httpupload.config.Parameters.DELETE_SECRET;
import static io.github.httpupload.config.Parameters.MAX_FILE_SIZE;
import static io.github.httpupload.config.Parameters.MIN_PATH_SEGMENTS;
import static io.github.httpupload.config.Parameters.PROTOCOLS;
import static io.github.httpupload.config.Parameters.SECRET;
import static io.github.httpupload.config.Parameters.SECRET_FILE;

/**
 * What the token filter needs to know, and nothing else: the shared secrets as HMAC keys, the
 * delete secret, the size limit, the accepted protocols and the minimum path depth.
 * {@link #toString()} never contains a secret.
 *
 * @param hmacKeys        the current secret first, then at most one older one still accepted (rotation)
 * @param deleteSecret    Metronome's second secret for DELETE; empty when deletion is disabled
 * @param maxFileSize     the largest body accepted, in bytes
 * @param protocols       the accepted token protocols
 * @param minPathSegments how many segments a slot path has at least
 */
public record AuthSettings(List<SecretKeySpec> hmacKeys, Optional<String> deleteSecret, long maxFileSize,
                           Set<TokenProtocol> protocols, int minPathSegments) {

    public static final long DEFAULT_MAX_FILE_SIZE = 104_857_600L;
    public static final int DEFAULT_MIN_PATH_SEGMENTS = 2;
    public static final Set<TokenProtocol> DEFAULT_PROTOCOLS = Collections.unmodifiableSet(EnumSet.allOf(TokenProtocol.class));
    /** The current secret and one older one, during a rotation. */
    private static final int MAX_SECRETS = 2;
    /** How the placeholders in the project's documentation begin: such a secret is public. */
    private static final String PLACEHOLDER = "change-me";

    public AuthSettings {
        hmacKeys = List.copyOf(hmacKeys);
        protocols = Collections.unmodifiableSet(EnumSet.copyOf(protocols));
    }

    public static AuthSettings from(ParameterSource source) {
        ParameterReader reader = new ParameterReader(source);
        Set<TokenProtocol> protocols = protocols(reader);
        if (protocols.contains(TokenProtocol.BEARER)) {
            JwtLibrary.require(AuthSettings.class.getClassLoader());
        }
        return new AuthSettings(
                secrets(reader).stream().map(secret -> new SecretKeySpec(secret, "HmacSHA256")).toList(),
                deleteSecret(reader),
                reader.number(MAX_FILE_SIZE, DEFAULT_MAX_FILE_SIZE, 1, Long.MAX_VALUE, "expected a positive whole number of bytes"),
                protocols,
                reader.integer(MIN_PATH_SEGMENTS, DEFAULT_MIN_PATH_SEGMENTS, 1, Integer.MAX_VALUE, "expected a positive whole number"));
    }

    /**
     * The shared secrets, one per line: the current one, then optionally the previous one. In a
     * {@code context.xml} attribute the line break is written {@code &#10;}; in a secret file it is
     * simply a second line.
     */
    private static List<byte[]> secrets(ParameterReader reader) {
        String secret = reader.secret(SECRET, SECRET_FILE);
        if (secret == null) {
            throw new ConfigException("Missing configuration parameter [" + SECRET + "] (or [" + SECRET_FILE
                    + "]): set it to the secret shared with the XMPP server");
        }
        String parameter = reader.string(SECRET_FILE) != null ? SECRET_FILE : SECRET;
        String[] lines = secret.split("\r?\n", -1);
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
            if (line.trim().toLowerCase(Locale.ROOT).startsWith(PLACEHOLDER)) {
                throw new ConfigException("Invalid configuration parameter [" + parameter + "]: the secret is the placeholder"
                        + " from the documentation, which anyone can read; set the secret shared with the XMPP server");
            }
            secrets.add(line.getBytes(StandardCharsets.UTF_8));
        }
        return secrets;
    }

    private static Optional<String> deleteSecret(ParameterReader reader) {
        String value = reader.string(DELETE_SECRET);
        if (value != null && value.isEmpty()) {
            throw new ConfigException("Invalid configuration parameter [" + DELETE_SECRET
                    + "]: the secret is empty; remove the parameter to disable DELETE");
        }
        return Optional.ofNullable(value);
    }

    private static Set<TokenProtocol> protocols(ParameterReader reader) {
        String value = reader.string(PROTOCOLS);
        if (value == null) {
            return DEFAULT_PROTOCOLS;
        }
        Set<TokenProtocol> protocols = EnumSet.noneOf(TokenProtocol.class);
        for (String name : value.split(",", -1)) {
            TokenProtocol protocol = TokenProtocol.byName(name);
            if (protocol == null) {
                throw ConfigException.badValue(PROTOCOLS, value,
                        "unknown protocol [" + name.trim() + "]; expected a comma-separated list of v, v2, token, bearer");
            }
            protocols.add(protocol);
        }
        return protocols;
    }

    @Override
    public String toString() {
        return MAX_FILE_SIZE + "=" + maxFileSize
                + ", " + PROTOCOLS + "=" + protocols.stream().map(TokenProtocol::parameter).collect(Collectors.joining(","))
                + ", " + MIN_PATH_SEGMENTS + "=" + minPathSegments
                + ", secret=(set" + (hmacKeys.size() > 1 ? ", and " + (hmacKeys.size() - 1) + " older secret accepted)" : ")")
                + ", " + DELETE_SECRET + "=" + (deleteSecret.isEmpty() ? "(not set: DELETE disabled)" : "(set)");
    }
}
