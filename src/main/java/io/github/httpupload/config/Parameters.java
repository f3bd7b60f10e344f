package io.github.httpupload.config;

import java.util.Set;

/**
 * The name of every configuration parameter. Each is read by the one component that needs it:
 * the token filter ({@code io.github.httpupload.auth.AuthSettings}), the storage
 * ({@code io.github.httpupload.storage.StorageSettings}), the servlet and the CORS filter (in
 * {@code io.github.httpupload.web}). Any other {@code httpupload.*} name is warned about at start.
 */
public final class Parameters {

    public static final String PREFIX = "httpupload.";

    public static final String SECRET = "httpupload.secret";
    public static final String SECRET_FILE = "httpupload.secretFile";
    public static final String DELETE_SECRET = "httpupload.deleteSecret";
    public static final String MAX_FILE_SIZE = "httpupload.maxFileSize";
    public static final String PROTOCOLS = "httpupload.protocols";
    public static final String MIN_PATH_SEGMENTS = "httpupload.minPathSegments";

    public static final String STORAGE = "httpupload.storage";
    public static final String STORAGE_DIR = "httpupload.storageDir";
    public static final String FSYNC = "httpupload.fsync";
    public static final String MAX_STORAGE_SIZE = "httpupload.maxStorageSize";
    public static final String MIN_FREE_SPACE = "httpupload.minFreeSpace";
    public static final String EXPIRE_AFTER = "httpupload.expireAfter";
    public static final String TOMBSTONE_RETENTION = "httpupload.tombstoneRetention";
    public static final String SWEEP_INTERVAL = "httpupload.sweepInterval";

    public static final String S3_BUCKET = "httpupload.s3.bucket";
    public static final String S3_ENDPOINT = "httpupload.s3.endpoint";
    public static final String S3_REGION = "httpupload.s3.region";
    public static final String S3_PREFIX = "httpupload.s3.prefix";
    public static final String S3_PATH_STYLE = "httpupload.s3.pathStyle";
    public static final String S3_ACCESS_KEY_ID = "httpupload.s3.accessKeyId";
    public static final String S3_SECRET_ACCESS_KEY = "httpupload.s3.secretAccessKey";
    public static final String S3_SECRET_ACCESS_KEY_FILE = "httpupload.s3.secretAccessKeyFile";
    public static final String S3_PRESIGNED_DOWNLOADS = "httpupload.s3.presignedDownloads";
    public static final String S3_PRESIGNED_LIFETIME = "httpupload.s3.presignedLifetime";

    public static final String UPLOAD_IDLE_TIMEOUT = "httpupload.uploadIdleTimeout";

    public static final String CORS_ALLOWED_ORIGINS = "httpupload.cors.allowedOrigins";
    public static final String CORS_MAX_AGE = "httpupload.cors.maxAge";

    /** Every parameter this project reads. */
    public static final Set<String> KNOWN = Set.of(SECRET, SECRET_FILE, DELETE_SECRET, MAX_FILE_SIZE, PROTOCOLS,
            MIN_PATH_SEGMENTS, STORAGE, STORAGE_DIR, FSYNC, MAX_STORAGE_SIZE, MIN_FREE_SPACE, EXPIRE_AFTER, TOMBSTONE_RETENTION,
            SWEEP_INTERVAL, S3_BUCKET, S3_ENDPOINT, S3_REGION, S3_PREFIX, S3_PATH_STYLE, S3_ACCESS_KEY_ID,
            S3_SECRET_ACCESS_KEY, S3_SECRET_ACCESS_KEY_FILE, S3_PRESIGNED_DOWNLOADS, S3_PRESIGNED_LIFETIME,
            UPLOAD_IDLE_TIMEOUT, CORS_ALLOWED_ORIGINS, CORS_MAX_AGE);

    private Parameters() {
    }
}
