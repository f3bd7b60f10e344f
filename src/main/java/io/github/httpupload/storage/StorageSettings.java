package io.github.httpupload.storage;

import io.github.httpupload.config.ConfigException;
import io.github.httpupload.config.ParameterReader;
import io.github.httpupload.config.ParameterSource;
import io.github.httpupload.storage.s3.S3Settings;

import java.math.BigInteger;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.github.httpupload.config.Parameters.EXPIRE_AFTER;
import static io.github.httpupload.config.Parameters.FSYNC;
import static io.github.httpupload.config.Parameters.MAX_FILE_SIZE;
import static io.github.httpupload.config.Parameters.MAX_STORAGE_SIZE;
import static io.github.httpupload.config.Parameters.MIN_FREE_SPACE;
import static io.github.httpupload.config.Parameters.S3_BUCKET;
import static io.github.httpupload.config.Parameters.S3_ENDPOINT;
import static io.github.httpupload.config.Parameters.STORAGE;
import static io.github.httpupload.config.Parameters.STORAGE_DIR;
import static io.github.httpupload.config.Parameters.SWEEP_INTERVAL;
import static io.github.httpupload.config.Parameters.TOMBSTONE_RETENTION;

/**
 * How files are kept: where, how durably, how many bytes, for how long. Immutable; each value is
 * set by name ({@code withMaxStorageSize(..)}), so two sizes can never be swapped.
 */
public final class StorageSettings {

    /** No limit on the total: only the disk's free space ({@link #minFreeSpace()}) bounds it. */
    public static final long UNLIMITED = Long.MAX_VALUE;
    public static final Duration DEFAULT_SWEEP_INTERVAL = Duration.ofHours(1);

    private final Path storageDir;
    private final boolean fsync;
    private final long maxStorageSize;
    private final long minFreeSpace;
    private final Duration expireAfter;
    private final Duration tombstoneRetention;
    private final Duration sweepInterval;
    private final S3Settings s3;

    private StorageSettings(Path storageDir, boolean fsync, long maxStorageSize, long minFreeSpace,
                            Duration expireAfter, Duration tombstoneRetention, Duration sweepInterval, S3Settings s3) {
        this.storageDir = storageDir;
        this.fsync = fsync;
        this.maxStorageSize = maxStorageSize;
        this.minFreeSpace = minFreeSpace;
        this.expireAfter = expireAfter;
        this.tombstoneRetention = tombstoneRetention;
        this.sweepInterval = sweepInterval;
        this.s3 = s3;
    }

    /** Files in {@code storageDir}, synced, unlimited, kept (and remembered after deletion) forever. */
    public static StorageSettings in(Path storageDir) {
        return new StorageSettings(storageDir, true, UNLIMITED, 0, null, null, DEFAULT_SWEEP_INTERVAL, null);
    }

    /** Files in an S3 bucket, kept (and remembered after deletion) forever. */
    public static StorageSettings inBucket(S3Settings s3) {
        return new StorageSettings(null, true, UNLIMITED, 0, null, null, DEFAULT_SWEEP_INTERVAL, s3);
    }

    public static StorageSettings from(ParameterSource source) {
        ParameterReader reader = new ParameterReader(source);
        String backend = reader.string(STORAGE);
        StorageSettings base;
        if (backend == null || backend.equals("local")) {
            for (String s3Only : List.of(S3_BUCKET, S3_ENDPOINT)) {
                if (reader.string(s3Only) != null) {
                    throw new ConfigException("Configuration parameter [" + s3Only + "] is set but [" + STORAGE + "] is ["
                            + (backend == null ? "local (the default)" : backend) + "]: set " + STORAGE + "=s3 to keep the"
                            + " files in the bucket, or remove it");
                }
            }
            Path dir = reader.absolutePath(STORAGE_DIR);
            if (dir == null) {
                throw new ConfigException("Missing configuration parameter [" + STORAGE_DIR
                        + "]: set it to an absolute directory path where uploaded files are kept");
            }
            base = in(dir)
                    .withFsync(reader.bool(FSYNC, true))
                    .withMaxStorageSize(reader.number(MAX_STORAGE_SIZE, UNLIMITED, 1, Long.MAX_VALUE,
                            "expected a positive whole number of bytes"))
                    .withMinFreeSpace(reader.number(MIN_FREE_SPACE, 0, 0, Long.MAX_VALUE,
                            "expected a whole number of bytes, 0 or more"));
        } else if (backend.equals("s3")) {
            for (String local : List.of(STORAGE_DIR, FSYNC, MAX_STORAGE_SIZE, MIN_FREE_SPACE)) {
                if (reader.string(local) != null) {
                    throw new ConfigException("Configuration parameter [" + local + "] cannot hold with [" + STORAGE
                            + "] value [s3]: " + WHY_NOT_WITH_S3.get(local) + "; remove it");
                }
            }
            // An upload is one PutObject (the only write whose If-None-Match every store honours): 5 GiB at most.
            String maxFileSize = reader.string(MAX_FILE_SIZE);
            if (maxFileSize != null && maxFileSize.matches("[0-9]{1,30}")
                    && new BigInteger(maxFileSize).compareTo(BigInteger.valueOf(MAX_S3_OBJECT_SIZE)) > 0) {
                throw ConfigException.badValue(MAX_FILE_SIZE, maxFileSize, "with [" + STORAGE
                        + "] value [s3] an upload is stored with one PutObject, which takes 5 GiB (5368709120 bytes) at most");
            }
            base = inBucket(S3Settings.from(reader));
        } else {
            throw ConfigException.badValue(STORAGE, backend, "expected local (a directory, the default) or s3");
        }
        Duration expireAfter = reader.duration(EXPIRE_AFTER, null, Duration.ofSeconds(1));
        return base
                .withExpireAfter(expireAfter)
                // Default: a deleted file's URLs answer 410 for as long as the file itself lived.
                .withTombstoneRetention(reader.duration(TOMBSTONE_RETENTION, expireAfter, Duration.ZERO))
                .withSweepInterval(reader.duration(SWEEP_INTERVAL, DEFAULT_SWEEP_INTERVAL, Duration.ofSeconds(1)));
    }

    /** The largest object one {@code PutObject} stores (AWS's limit; Ceph and SeaweedFS default to it). */
    public static final long MAX_S3_OBJECT_SIZE = 5L * 1024 * 1024 * 1024;

    private static final Map<String, String> WHY_NOT_WITH_S3 = Map.of(
            STORAGE_DIR, "the files are kept in the bucket",
            FSYNC, "the store decides durability (a stored object is acknowledged once it is durable)",
            MAX_STORAGE_SIZE, "several instances share one bucket, and a total across them cannot be enforced"
                    + " without a shared counter; set a quota on the bucket in the store instead",
            MIN_FREE_SPACE, "a bucket has no free space to keep; set a quota on the bucket in the store instead");

    /** The bucket, when the files are kept in S3; empty for a local directory. */
    public Optional<S3Settings> s3() {
        return Optional.ofNullable(s3);
    }

    public Path storageDir() {
        return storageDir;
    }

    /** Whether every upload (file and directory entry) is synced before it counts as stored. */
    public boolean fsync() {
        return fsync;
    }

    /** Bytes all stored files may take together, metadata included, or {@link #UNLIMITED}. */
    public long maxStorageSize() {
        return maxStorageSize;
    }

    /** Bytes the storage's file system must keep free after any upload. */
    public long minFreeSpace() {
        return minFreeSpace;
    }

    /** How long a file is kept after its upload; empty for no limit. */
    public Optional<Duration> expireAfter() {
        return Optional.ofNullable(expireAfter);
    }

    /** How long a deleted file's slot path is remembered (answering 410): empty for forever, zero for not at all. */
    public Optional<Duration> tombstoneRetention() {
        return Optional.ofNullable(tombstoneRetention);
    }

    /** How often expired files are deleted and old tombstones purged (expiry itself holds at once). */
    public Duration sweepInterval() {
        return sweepInterval;
    }

    public StorageSettings withFsync(boolean value) {
        return new StorageSettings(storageDir, value, maxStorageSize, minFreeSpace, expireAfter, tombstoneRetention, sweepInterval, s3);
    }

    public StorageSettings withMaxStorageSize(long bytes) {
        return new StorageSettings(storageDir, fsync, bytes, minFreeSpace, expireAfter, tombstoneRetention, sweepInterval, s3);
    }

    public StorageSettings withMinFreeSpace(long bytes) {
        return new StorageSettings(storageDir, fsync, maxStorageSize, bytes, expireAfter, tombstoneRetention, sweepInterval, s3);
    }

    /** {@code null}: files never expire by age. */
    public StorageSettings withExpireAfter(Duration value) {
        return new StorageSettings(storageDir, fsync, maxStorageSize, minFreeSpace, value, tombstoneRetention, sweepInterval, s3);
    }

    /** {@code null}: forever; zero: tombstones off. */
    public StorageSettings withTombstoneRetention(Duration value) {
        return new StorageSettings(storageDir, fsync, maxStorageSize, minFreeSpace, expireAfter, value, sweepInterval, s3);
    }

    public StorageSettings withSweepInterval(Duration value) {
        return new StorageSettings(storageDir, fsync, maxStorageSize, minFreeSpace, expireAfter, tombstoneRetention, value, s3);
    }

    @Override
    public String toString() {
        if (s3 != null) {
            return STORAGE + "=s3, " + s3
                    + ", " + EXPIRE_AFTER + "=" + (expireAfter == null ? "(never)" : expireAfter)
                    + ", " + TOMBSTONE_RETENTION + "=" + (tombstoneRetention == null ? "(forever)" : tombstoneRetention)
                    + ", " + SWEEP_INTERVAL + "=" + sweepInterval;
        }
        return STORAGE_DIR + "=" + storageDir
                + ", " + FSYNC + "=" + fsync
                + ", " + MAX_STORAGE_SIZE + "=" + (maxStorageSize == UNLIMITED ? "(unlimited)" : maxStorageSize)
                + ", " + MIN_FREE_SPACE + "=" + minFreeSpace
                + ", " + EXPIRE_AFTER + "=" + (expireAfter == null ? "(never)" : expireAfter)
                + ", " + TOMBSTONE_RETENTION + "=" + (tombstoneRetention == null ? "(forever)" : tombstoneRetention)
                + ", " + SWEEP_INTERVAL + "=" + sweepInterval;
    }
}
