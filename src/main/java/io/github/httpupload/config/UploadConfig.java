package io.github.httpupload.config;

import javax.crypto.spec.SecretKeySpec;
import java.nio.file.Path;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The service's configuration: immutable, validated once by {@link ConfigLoader} at start-up.
 * {@link #toString()} summarises it for the log and never contains the secret.
 */
public final class UploadConfig {

    public static final String PARAM_SECRET = "httpupload.secret";
    public static final String PARAM_SECRET_FILE = "httpupload.secretFile";
    public static final String PARAM_STORAGE_DIR = "httpupload.storageDir";
    public static final String PARAM_MAX_FILE_SIZE = "httpupload.maxFileSize";
    public static final String PARAM_PROTOCOLS = "httpupload.protocols";
    public static final String PARAM_MIN_PATH_SEGMENTS = "httpupload.minPathSegments";
    public static final String PARAM_FSYNC = "httpupload.fsync";
    public static final String PARAM_CORS_ALLOWED_ORIGINS = "httpupload.cors.allowedOrigins";
    public static final String PARAM_CORS_MAX_AGE = "httpupload.cors.maxAge";
    public static final String PARAM_UPLOAD_IDLE_TIMEOUT = "httpupload.uploadIdleTimeout";

    /** Every parameter this project reads; any other {@code httpupload.*} name is warned about. */
    public static final Set<String> KNOWN_PARAMETERS = Set.of(PARAM_SECRET, PARAM_SECRET_FILE,
            PARAM_STORAGE_DIR, PARAM_MAX_FILE_SIZE, PARAM_PROTOCOLS, PARAM_MIN_PATH_SEGMENTS, PARAM_FSYNC,
            PARAM_CORS_ALLOWED_ORIGINS, PARAM_CORS_MAX_AGE, PARAM_UPLOAD_IDLE_TIMEOUT);

    public static final long DEFAULT_MAX_FILE_SIZE = 104_857_600L;
    public static final Set<TokenProtocol> DEFAULT_PROTOCOLS = Collections.unmodifiableSet(EnumSet.allOf(TokenProtocol.class));
    public static final int DEFAULT_MIN_PATH_SEGMENTS = 2;
    public static final boolean DEFAULT_FSYNC = true;
    /** Any origin may use the service from a browser: download URLs are shared in chats anyway. */
    public static final String ANY_ORIGIN = "*";
    /** One day: browsers cap it lower (Chromium at two hours) where they prefer. */
    public static final int DEFAULT_CORS_MAX_AGE = 86400;
    /** Seconds in which an upload must deliver at least 16 KiB, or be ended. */
    public static final int DEFAULT_UPLOAD_IDLE_TIMEOUT = 30;

    /** The servlet-context attribute under which {@code UploadConfigListener} publishes the parsed configuration. */
    public static final String ATTRIBUTE = UploadConfig.class.getName();

    private final SecretKeySpec hmacKey;
    private final long maxFileSize;
    private final Set<TokenProtocol> protocols;
    private final int minPathSegments;
    private final Path storageDir;
    private final boolean fsync;
    private final Set<String> corsAllowedOrigins;
    private final int corsMaxAge;
    private final int uploadIdleTimeout;

    UploadConfig(SecretKeySpec hmacKey, long maxFileSize, Set<TokenProtocol> protocols,
                 int minPathSegments, Path storageDir, boolean fsync,
                 Set<String> corsAllowedOrigins, int corsMaxAge, int uploadIdleTimeout) {
        this.hmacKey = hmacKey;
        this.maxFileSize = maxFileSize;
        this.protocols = Collections.unmodifiableSet(EnumSet.copyOf(protocols));
        this.minPathSegments = minPathSegments;
        this.storageDir = storageDir;
        this.fsync = fsync;
        this.corsAllowedOrigins = Set.copyOf(corsAllowedOrigins);
        this.corsMaxAge = corsMaxAge;
        this.uploadIdleTimeout = uploadIdleTimeout;
    }

    /** The shared secret as an HMAC-SHA256 key. */
    public SecretKeySpec hmacKey() {
        return hmacKey;
    }

    public long maxFileSize() {
        return maxFileSize;
    }

    public Set<TokenProtocol> protocols() {
        return protocols;
    }

    public int minPathSegments() {
        return minPathSegments;
    }

    /** Where files are stored; empty when only the filter is used and no storage is configured. */
    public Optional<Path> storageDir() {
        return Optional.ofNullable(storageDir);
    }

    /** The storage directory, for components that cannot work without one. */
    public Path requireStorageDir() {
        if (storageDir == null) {
            throw new ConfigException("Missing configuration parameter [" + PARAM_STORAGE_DIR
                    + "]: set it to an absolute directory path where uploaded files are kept");
        }
        return storageDir;
    }

    public boolean fsync() {
        return fsync;
    }

    /** Browser origins allowed to use the service: {@link #ANY_ORIGIN} alone, or exact origins. */
    public Set<String> corsAllowedOrigins() {
        return corsAllowedOrigins;
    }

    /** Seconds a browser may cache a preflight answer. */
    public int corsMaxAge() {
        return corsMaxAge;
    }

    /** Seconds within which an upload must deliver at least 16 KiB (slow clients cannot hold a thread forever). */
    public int uploadIdleTimeout() {
        return uploadIdleTimeout;
    }

    @Override
    public String toString() {
        return PARAM_STORAGE_DIR + "=" + (storageDir == null ? "(not set)" : storageDir)
                + ", " + PARAM_MAX_FILE_SIZE + "=" + maxFileSize
                + ", " + PARAM_PROTOCOLS + "=" + protocols.stream().map(TokenProtocol::parameter).collect(Collectors.joining(","))
                + ", " + PARAM_MIN_PATH_SEGMENTS + "=" + minPathSegments
                + ", " + PARAM_FSYNC + "=" + fsync
                + ", " + PARAM_CORS_ALLOWED_ORIGINS + "=" + String.join(",", new java.util.TreeSet<>(corsAllowedOrigins))
                + ", " + PARAM_CORS_MAX_AGE + "=" + corsMaxAge
                + ", " + PARAM_UPLOAD_IDLE_TIMEOUT + "=" + uploadIdleTimeout
                + ", secret=(set)";
    }
}
