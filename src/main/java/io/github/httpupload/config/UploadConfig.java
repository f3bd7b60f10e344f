package io.github.httpupload.config;

import javax.crypto.spec.SecretKeySpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

/**
 * The service's configuration: immutable, validated once by {@link ConfigLoader} at start-up.
 * {@link #toString()} summarises it for the log and never contains a secret.
 */
public final class UploadConfig {

    public static final String PARAM_SECRET = "httpupload.secret";
    public static final String PARAM_SECRET_FILE = "httpupload.secretFile";
    public static final String PARAM_DELETE_SECRET = "httpupload.deleteSecret";
    public static final String PARAM_STORAGE_DIR = "httpupload.storageDir";
    public static final String PARAM_MAX_FILE_SIZE = "httpupload.maxFileSize";
    public static final String PARAM_MAX_STORAGE_SIZE = "httpupload.maxStorageSize";
    public static final String PARAM_MIN_FREE_SPACE = "httpupload.minFreeSpace";
    public static final String PARAM_EXPIRE_AFTER = "httpupload.expireAfter";
    public static final String PARAM_TOMBSTONE_RETENTION = "httpupload.tombstoneRetention";
    public static final String PARAM_SWEEP_INTERVAL = "httpupload.sweepInterval";
    public static final String PARAM_PROTOCOLS = "httpupload.protocols";
    public static final String PARAM_MIN_PATH_SEGMENTS = "httpupload.minPathSegments";
    public static final String PARAM_FSYNC = "httpupload.fsync";
    public static final String PARAM_CORS_ALLOWED_ORIGINS = "httpupload.cors.allowedOrigins";
    public static final String PARAM_CORS_MAX_AGE = "httpupload.cors.maxAge";
    public static final String PARAM_UPLOAD_IDLE_TIMEOUT = "httpupload.uploadIdleTimeout";

    /** Every parameter this project reads; any other {@code httpupload.*} name is warned about. */
    public static final Set<String> KNOWN_PARAMETERS = Set.of(PARAM_SECRET, PARAM_SECRET_FILE, PARAM_DELETE_SECRET,
            PARAM_STORAGE_DIR, PARAM_MAX_FILE_SIZE, PARAM_MAX_STORAGE_SIZE, PARAM_MIN_FREE_SPACE, PARAM_EXPIRE_AFTER,
            PARAM_TOMBSTONE_RETENTION, PARAM_SWEEP_INTERVAL, PARAM_PROTOCOLS, PARAM_MIN_PATH_SEGMENTS, PARAM_FSYNC,
            PARAM_CORS_ALLOWED_ORIGINS, PARAM_CORS_MAX_AGE, PARAM_UPLOAD_IDLE_TIMEOUT);

    public static final long DEFAULT_MAX_FILE_SIZE = 104_857_600L;
    /** No limit on the total: only the disk's free space ({@link #minFreeSpace()}) bounds it. */
    public static final long UNLIMITED = Long.MAX_VALUE;
    public static final Set<TokenProtocol> DEFAULT_PROTOCOLS = Collections.unmodifiableSet(EnumSet.allOf(TokenProtocol.class));
    public static final int DEFAULT_MIN_PATH_SEGMENTS = 2;
    public static final boolean DEFAULT_FSYNC = true;
    /** Any origin may use the service from a browser: download URLs are shared in chats anyway. */
    public static final String ANY_ORIGIN = "*";
    /** One day: browsers cap it lower (Chromium at two hours) where they prefer. */
    public static final int DEFAULT_CORS_MAX_AGE = 86400;
    /** Seconds in which an upload must deliver at least 16 KiB, or be ended. */
    public static final int DEFAULT_UPLOAD_IDLE_TIMEOUT = 30;
    public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofHours(1);

    /** The servlet-context attribute under which {@code UploadConfigListener} publishes the parsed configuration. */
    public static final String ATTRIBUTE = UploadConfig.class.getName();

    private final List<SecretKeySpec> hmacKeys;
    private final String deleteSecret;
    private final long maxFileSize;
    private final long maxStorageSize;
    private final long minFreeSpace;
    private final Duration expireAfter;
    private final Duration tombstoneRetention;
    private final Duration sweepInterval;
    private final Set<TokenProtocol> protocols;
    private final int minPathSegments;
    private final Path storageDir;
    private final boolean fsync;
    private final Set<String> corsAllowedOrigins;
    private final int corsMaxAge;
    private final int uploadIdleTimeout;

    UploadConfig(List<SecretKeySpec> hmacKeys, String deleteSecret, long maxFileSize, long maxStorageSize,
                 long minFreeSpace, Duration expireAfter, Duration tombstoneRetention, Duration sweepInterval,
                 Set<TokenProtocol> protocols, int minPathSegments, Path storageDir, boolean fsync,
                 Set<String> corsAllowedOrigins, int corsMaxAge, int uploadIdleTimeout) {
        this.hmacKeys = List.copyOf(hmacKeys);
        this.deleteSecret = deleteSecret;
        this.maxFileSize = maxFileSize;
        this.maxStorageSize = maxStorageSize;
        this.minFreeSpace = minFreeSpace;
        this.expireAfter = expireAfter;
        this.tombstoneRetention = tombstoneRetention;
        this.sweepInterval = sweepInterval;
        this.protocols = Collections.unmodifiableSet(EnumSet.copyOf(protocols));
        this.minPathSegments = minPathSegments;
        this.storageDir = storageDir;
        this.fsync = fsync;
        this.corsAllowedOrigins = Set.copyOf(corsAllowedOrigins);
        this.corsMaxAge = corsMaxAge;
        this.uploadIdleTimeout = uploadIdleTimeout;
    }

    /**
     * The shared secrets as HMAC-SHA256 keys: the current one first, then at most one older one
     * that is still accepted while the XMPP server switches over (secret rotation).
     */
    public List<SecretKeySpec> hmacKeys() {
        return hmacKeys;
    }

    /** Metronome's second secret for DELETE requests; empty when deletion over HTTP is disabled. */
    public Optional<String> deleteSecret() {
        return Optional.ofNullable(deleteSecret);
    }

    public long maxFileSize() {
        return maxFileSize;
    }

    /** Bytes all stored files may take together (headers included), or {@link #UNLIMITED}. */
    public long maxStorageSize() {
        return maxStorageSize;
    }

    /** Bytes the storage's file system must keep free after any upload. */
    public long minFreeSpace() {
        return minFreeSpace;
    }

    /** How long a file is kept after its upload; empty when files are kept until deleted otherwise. */
    public Optional<Duration> expireAfter() {
        return Optional.ofNullable(expireAfter);
    }

    /**
     * How long the record of a deleted file is kept (its URLs answer 410 meanwhile); empty for
     * forever, zero for not at all.
     */
    public Optional<Duration> tombstoneRetention() {
        return Optional.ofNullable(tombstoneRetention);
    }

    /** How often expired files and tombstones are looked for. */
    public Duration sweepInterval() {
        return sweepInterval;
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
                + ", " + PARAM_MAX_STORAGE_SIZE + "=" + (maxStorageSize == UNLIMITED ? "(unlimited)" : maxStorageSize)
                + ", " + PARAM_MIN_FREE_SPACE + "=" + minFreeSpace
                + ", " + PARAM_EXPIRE_AFTER + "=" + (expireAfter == null ? "(never)" : expireAfter)
                + ", " + PARAM_TOMBSTONE_RETENTION + "=" + (tombstoneRetention == null ? "(forever)" : tombstoneRetention)
                + ", " + PARAM_SWEEP_INTERVAL + "=" + sweepInterval
                + ", " + PARAM_PROTOCOLS + "=" + protocols.stream().map(TokenProtocol::parameter).collect(Collectors.joining(","))
                + ", " + PARAM_MIN_PATH_SEGMENTS + "=" + minPathSegments
                + ", " + PARAM_FSYNC + "=" + fsync
                + ", " + PARAM_CORS_ALLOWED_ORIGINS + "=" + String.join(",", new TreeSet<>(corsAllowedOrigins))
                + ", " + PARAM_CORS_MAX_AGE + "=" + corsMaxAge
                + ", " + PARAM_UPLOAD_IDLE_TIMEOUT + "=" + uploadIdleTimeout
                + ", secret=(set" + (hmacKeys.size() > 1 ? ", and " + (hmacKeys.size() - 1) + " older secret accepted)" : ")")
                + ", " + PARAM_DELETE_SECRET + "=" + (deleteSecret == null ? "(not set: DELETE disabled)" : "(set)");
    }
}
