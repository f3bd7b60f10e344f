package io.github.httpupload.web;

import io.github.httpupload.config.ConfigException;
import io.github.httpupload.config.ParameterReader;
import io.github.httpupload.config.ParameterSource;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

import static io.github.httpupload.config.Parameters.CORS_ALLOWED_ORIGINS;
import static io.github.httpupload.config.Parameters.CORS_MAX_AGE;

/**
 * What {@link UploadCorsFilter} needs: which browser origins may use the service, and how long a
 * preflight answer may be cached.
 *
 * @param allowedOrigins {@link #ANY_ORIGIN} alone, or exact origins in lower case
 * @param maxAge         seconds a browser may cache a preflight answer
 */
record CorsSettings(Set<String> allowedOrigins, int maxAge) {

    /** Any origin may use the service from a browser: download URLs are shared in chats anyway. */
    static final String ANY_ORIGIN = "*";
    /** One day: browsers cap it lower (Chromium at two hours) where they prefer. */
    static final int DEFAULT_MAX_AGE = 86400;
    /** scheme://host[:port], nothing after: what a browser sends in the Origin header. */
    private static final Pattern ORIGIN = Pattern.compile("(?i)https?://[a-z0-9.\\-\\[\\]:]+");

    CorsSettings {
        allowedOrigins = Set.copyOf(allowedOrigins);
    }

    static CorsSettings from(ParameterSource source) {
        ParameterReader reader = new ParameterReader(source);
        return new CorsSettings(origins(reader.string(CORS_ALLOWED_ORIGINS)),
                reader.integer(CORS_MAX_AGE, DEFAULT_MAX_AGE, 0, Integer.MAX_VALUE, "expected a whole number of seconds, 0 or more"));
    }

    boolean anyOrigin() {
        return allowedOrigins.contains(ANY_ORIGIN);
    }

    /** {@code *}, or a comma-separated list of exact origins such as {@code https://chat.example.org}. */
    private static Set<String> origins(String value) {
        if (value == null || value.trim().equals(ANY_ORIGIN)) {
            return Set.of(ANY_ORIGIN);
        }
        Set<String> origins = new TreeSet<>();
        for (String origin : value.split(",", -1)) {
            String trimmed = origin.trim();
            if (!ORIGIN.matcher(trimmed).matches()) {
                throw ConfigException.badValue(CORS_ALLOWED_ORIGINS, value, "[" + trimmed
                        + "] is not an origin; expected * or a comma-separated list like https://chat.example.org");
            }
            origins.add(trimmed.toLowerCase(Locale.ROOT)); // browsers send scheme and host in lower case
        }
        return origins;
    }

    @Override
    public String toString() {
        return CORS_ALLOWED_ORIGINS + "=" + String.join(",", new TreeSet<>(allowedOrigins)) + ", " + CORS_MAX_AGE + "=" + maxAge;
    }
}
