package io.github.httpupload.storage.s3;

import io.github.httpupload.auth.SlotPath;
import io.github.httpupload.config.ConfigException;
import io.github.httpupload.config.Parameters;
import io.github.httpupload.storage.AlreadyStoredException;
import io.github.httpupload.storage.ExpiryPolicy;
import io.github.httpupload.storage.FileDeletedException;
import io.github.httpupload.storage.FileTooLargeException;
import io.github.httpupload.storage.Lookup;
import io.github.httpupload.storage.NewFile;
import io.github.httpupload.storage.Storage;
import io.github.httpupload.storage.StorageHealth;
import io.github.httpupload.storage.StorageKey;
import io.github.httpupload.storage.StorageSettings;
import io.github.httpupload.storage.StorageUnavailableException;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.core.sync.ResponseTransformer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.S3Object;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import software.amazon.awssdk.utils.SdkAutoCloseable;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.lang.System.Logger.Level;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Files as objects in an S3-compatible bucket, with every promise of the local directory. Keys
 * under the prefix: {@code files/<sha-256 of the slot path>} (the file, its metadata as
 * {@code x-amz-meta-*}), {@code gone/<hash>} (an empty tombstone, dated by its LastModified),
 * {@code expiring/<epoch second>-<hash>} (a marker for a file whose own expiry comes before
 * {@code expireAfter}, so the sweep finds it by listing, not by reading every object).
 * Never-overwrite rests on {@code PutObject} with {@code If-None-Match: *} alone, which the start
 * proves the store honours. Stateless: several instances may share one bucket and prefix.
 */
public final class S3Storage implements Storage {

    private static final System.Logger LOG = System.getLogger(S3Storage.class.getName());
    private static final int COPY_BUFFER = 64 * 1024;
    /** One more than the idle connections the JDK keeps per store ({@code http.maxConnections}, 5). */
    private static final int STALE_CONNECTION_RETRIES = 6;

    private final AwsCredentialsProvider credentials;
    private final S3Client s3;
    /** Without retries, for upload bodies, which cannot be read twice. */
    private final S3Client uploads;
    /** Only with {@code presignedDownloads}; {@code null} otherwise. */
    private final S3Presigner presigner;
    private final S3Settings settings;
    private final String bucket;
    private final ExpiryPolicy expiry;
    /** {@code null}: files do not expire by age. */
    private final Duration expireAfter;
    /** {@code null}: forever; zero: tombstones off. */
    private final Duration tombstoneRetention;

    private S3Storage(AwsCredentialsProvider credentials, S3Settings settings, ExpiryPolicy expiry, Duration expireAfter,
                      Duration tombstoneRetention) {
        this.credentials = credentials;
        this.s3 = S3Clients.create(settings, credentials);
        this.uploads = S3Clients.forUploads(settings, credentials);
        this.presigner = settings.presignedDownloads() ? S3Clients.presigner(settings, credentials) : null;
        this.settings = settings;
        this.bucket = settings.bucket();
        this.expiry = expiry;
        this.expireAfter = expireAfter;
        this.tombstoneRetention = tombstoneRetention;
    }

    /**
     * Opens the bucket {@code settings} name and proves it usable: reachable, the credentials
     * accepted, and an existing object never overwritten.
     *
     * @throws ConfigException naming the parameter (and value) that is wrong
     */
    public static S3Storage open(StorageSettings settings, Clock clock) {
        S3Settings s3Settings = settings.s3().orElseThrow(() -> new IllegalArgumentException("not an S3 storage"));
        S3Storage storage = new S3Storage(S3Clients.credentials(s3Settings), s3Settings,
                new ExpiryPolicy(settings.expireAfter().orElse(null), clock),
                settings.expireAfter().orElse(null), settings.tombstoneRetention().orElse(null));
        try {
            S3StartChecks.run(storage.s3, s3Settings, storage.key("probe/" + UUID.randomUUID()));
        } catch (RuntimeException e) {
            storage.close();
            throw e;
        }
        return storage;
    }

    public ExpiryPolicy expiry() {
        return expiry;
    }

    S3Settings settings() {
        return settings;
    }

    @Override
    public void store(NewFile file, InputStream body) throws IOException {
        if (file.length() > StorageSettings.MAX_S3_OBJECT_SIZE) { // a filter init-param can set a larger maxFileSize
            throw new FileTooLargeException("one PutObject stores " + StorageSettings.MAX_S3_OBJECT_SIZE + " bytes at most");
        }
        String hash = StorageKey.of(file.path());
        String key = fileKey(hash);
        Optional<S3StoredObject> existing = head(key);
        if (existing.isPresent()) {
            if (!expiry.isExpired(existing.get().deleteAt())) {
                throw new AlreadyStoredException(); // cheap early answer; If-None-Match below is the real guard
            }
            remove(hash); // expired: what the sweep would do, then go on as after it
        }
        if (tombstonesEnabled() && exists(tombstoneKey(hash))) {
            throw new FileDeletedException();
        }
        Instant now = expiry.now();
        Instant deleteAt = expiry.deleteAt(now, file.expiresAt());
        if (deleteAt != null && (expireAfter == null || deleteAt.isBefore(now.plus(expireAfter)))) {
            // Before the file: a marker without a file is harmless, a file without its marker is swept late.
            putEmpty(expiringKey(deleteAt, hash), false);
        }
        ExactLengthBody exact = new ExactLengthBody(body, file.length());
        String writeId = CreateOnce.newWriteId(); // one for all attempts: a refusal of our own earlier attempt is ours
        for (int attempt = 1; ; attempt++) {
            try {
                boolean created = CreateOnce.put(uploads, s3, bucket, key, writeId, S3Metadata.of(file, now).encode(),
                        b -> b.contentLength(file.length()).contentType(file.contentType()),
                        RequestBody.fromContentProvider(() -> exact, file.length(), file.contentType()));
                if (!created) {
                    throw new AlreadyStoredException();
                }
                return;
            } catch (SdkException e) {
                if (exact.failure() != null) {
                    throw exact.failure();
                }
                // A kept-alive connection the store had closed fails on its first writes; the JDK
                // keeps a few per store, so send again while the body can still be replayed.
                if (attempt > STALE_CONNECTION_RETRIES || !lostConnection(e) || !exact.rewind()) {
                    if (lostConnection(e) && CreateOnce.isOwn(s3, bucket, key, writeId)) {
                        return; // stored, only its answer was lost
                    }
                    throw unavailable("storing " + key, e);
                }
            }
        }
    }

    @Override
    public Lookup open(SlotPath path) throws IOException {
        String hash = StorageKey.of(path);
        Optional<S3StoredObject> file = head(fileKey(hash));
        if (file.isPresent() && !expiry.isExpired(file.get().deleteAt())) {
            return Lookup.found(file.get());
        }
        // Past its deletion time a file answers as after the sweep that will delete it.
        return file.isPresent() && tombstonesEnabled() || tombstonesEnabled() && exists(tombstoneKey(hash))
                ? Lookup.GONE : Lookup.ABSENT;
    }

    @Override
    public boolean delete(SlotPath path) throws IOException {
        String hash = StorageKey.of(path);
        Optional<S3StoredObject> file = head(fileKey(hash));
        if (file.isEmpty()) {
            return false;
        }
        boolean expired = expiry.isExpired(file.get().deleteAt());
        return remove(hash) && !expired; // an expired file was deleted already, as far as anyone can tell
    }

    /**
     * Deletes the file, remembering the deletion first (unless tombstones are off). The tombstone
     * is written with If-None-Match: of several instances deleting at once, one counts the deletion.
     * One that is there already was written moments ago by a concurrent (or interrupted) removal
     * and is left as it is: overwriting it would erase the write-id by which that removal knows it
     * came first, and then neither would count the deletion.
     *
     * @return whether this call made the deletion (false: another one came first)
     */
    private boolean remove(String hash) throws IOException {
        boolean first = true;
        if (tombstonesEnabled()) {
            first = putEmpty(tombstoneKey(hash), true);
        }
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(fileKey(hash)));
        } catch (SdkException e) {
            throw unavailable("deleting " + fileKey(hash), e);
        }
        return first;
    }

    @Override
    public SweepResult sweep() throws IOException {
        try {
            return sweepAt(expiry.now());
        } catch (SdkException e) { // the listings page lazily: their failures surface here
            throw unavailable("listing " + key(""), e);
        }
    }

    private SweepResult sweepAt(Instant now) throws IOException {
        long[] counts = new long[4]; // deleted, deletedBytes, kept, keptBytes
        sweepMarkers(now, counts);
        for (S3Object object : list("files/")) {
            checkInterrupted();
            // The listing's LastModified (the store's clock) only picks candidates; the file's own
            // metadata decides, on this service's clock, so a live file is never swept.
            boolean candidate = expireAfter != null && !now.isBefore(object.lastModified().plus(expireAfter));
            if (candidate && expired(object.key())) {
                if (remove(object.key().substring(key("files/").length()))) {
                    counts[0]++;
                    counts[1] += object.size();
                }
            } else {
                counts[2]++;
                counts[3] += object.size();
            }
        }
        int purged = purgeTombstones(now);
        return new SweepResult((int) counts[0], counts[1], purged, (int) counts[2], counts[3]);
    }

    private boolean expired(String fileKey) throws IOException {
        Optional<S3StoredObject> file = head(fileKey);
        return file.isPresent() && expiry.isExpired(file.get().deleteAt());
    }

    /** Files whose own expiry has come, found by their markers (listed in time order). */
    private void sweepMarkers(Instant now, long[] counts) throws IOException {
        String markerPrefix = key("expiring/");
        for (S3Object marker : list("expiring/")) {
            checkInterrupted();
            String name = marker.key().substring(markerPrefix.length());
            int dash = name.indexOf('-');
            long second;
            try {
                second = Long.parseLong(name.substring(0, Math.max(dash, 0)));
            } catch (NumberFormatException e) {
                LOG.log(Level.WARNING, "Skipping {0} in the sweep: not an expiry marker", marker.key());
                continue;
            }
            if (Instant.ofEpochSecond(second).isAfter(now)) {
                break; // the rest are later
            }
            String hash = name.substring(dash + 1);
            Optional<S3StoredObject> file = head(fileKey(hash));
            if (file.isPresent() && !expiry.isExpired(file.get().deleteAt())) {
                continue; // named by the second its deletion time falls in: due within it, kept till then
            }
            if (file.isPresent() && remove(hash)) {
                counts[0]++;
                counts[1] += file.get().size();
            }
            deleteQuietly(marker.key());
        }
    }

    private int purgeTombstones(Instant now) throws IOException {
        if (tombstoneRetention == null || tombstoneRetention.isZero()) {
            return 0;
        }
        Instant cutoff = now.minus(tombstoneRetention);
        int purged = 0;
        for (S3Object tombstone : list("gone/")) {
            checkInterrupted();
            if (tombstone.lastModified().isBefore(cutoff)) {
                deleteQuietly(tombstone.key());
                purged++;
            }
        }
        return purged;
    }

    /**
     * A HeadBucket: the cheapest call that proves the store answers and accepts the credentials
     * for the bucket. (Writing is not probed: it would leave objects to clean up on every check.)
     */
    @Override
    public StorageHealth checkHealth() {
        try {
            s3.headBucket(b -> b.bucket(bucket));
            return StorageHealth.HEALTHY;
        } catch (S3Exception e) {
            return StorageHealth.unhealthy(StorageHealth.State.FAILING, e);
        } catch (RuntimeException e) { // SdkClientException: no answer (refused, timed out, unknown host)
            return StorageHealth.unhealthy(StorageHealth.State.UNREACHABLE, e);
        }
    }

    /** Streams content bytes {@code start} to {@code end} (exclusive) of the object {@code key} as it was at {@code eTag}. */
    void copyRange(String key, String eTag, long start, long end, OutputStream out) throws IOException {
        ResponseInputStream<GetObjectResponse> in;
        try {
            // Duration.ZERO: no abort-if-unread timer. Ours is read at once and always closed, and the
            // timer's static thread, started from the webapp, outlived an undeploy (Tomcat reports a leak).
            in = s3.getObject(b -> b.bucket(bucket).key(key).ifMatch(eTag).range("bytes=" + start + "-" + (end - 1)),
                    ResponseTransformer.toInputStream(Duration.ZERO));
        } catch (SdkException e) {
            throw unavailable("reading " + key, e);
        }
        boolean complete = false;
        try {
            byte[] buffer = new byte[COPY_BUFFER];
            long left = end - start;
            while (left > 0) {
                int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
                if (n < 0) {
                    throw new IOException("the store ended " + key + " " + left + " bytes early");
                }
                out.write(buffer, 0, n);
                left -= n;
            }
            complete = true;
        } finally {
            if (!complete) {
                in.abort(); // the client went away or the store failed: drop the connection, do not drain it
            }
            in.close();
        }
    }

    private Optional<S3StoredObject> head(String key) throws IOException {
        HeadObjectResponse head;
        try {
            head = s3.headObject(b -> b.bucket(bucket).key(key));
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return Optional.empty();
            }
            throw unavailable("looking up " + key, e);
        } catch (SdkException e) {
            throw unavailable("looking up " + key, e);
        }
        Optional<S3Metadata> metadata = S3Metadata.decode(head.metadata());
        if (metadata.isEmpty()) {
            LOG.log(Level.WARNING, "Not serving {0}: an object without this service''s metadata", key);
            return Optional.empty();
        }
        S3Metadata m = metadata.get();
        return Optional.of(new S3StoredObject(this, key, head.eTag(), m, head.contentLength(),
                Optional.ofNullable(expiry.deleteAt(m.storedAt(), m.expiresAt().orElse(null)))));
    }

    private boolean exists(String key) throws IOException {
        try {
            s3.headObject(b -> b.bucket(bucket).key(key));
            return true;
        } catch (S3Exception e) {
            if (e.statusCode() == 404) {
                return false;
            }
            throw unavailable("looking up " + key, e);
        } catch (SdkException e) {
            throw unavailable("looking up " + key, e);
        }
    }

    /** Writes an empty object; with {@code onlyIfAbsent}, false when one was there already. */
    private boolean putEmpty(String key, boolean onlyIfAbsent) throws IOException {
        try {
            if (onlyIfAbsent) {
                return CreateOnce.put(s3, s3, bucket, key, CreateOnce.newWriteId(), Map.of(), b -> b.contentLength(0L), RequestBody.empty());
            }
            s3.putObject(b -> b.bucket(bucket).key(key).contentLength(0L), RequestBody.empty());
            return true;
        } catch (SdkException e) {
            throw unavailable("writing " + key, e);
        }
    }

    private void deleteQuietly(String key) {
        try {
            s3.deleteObject(b -> b.bucket(bucket).key(key));
        } catch (SdkException e) {
            LOG.log(Level.WARNING, "Could not delete {0}; the next sweep tries again: {1}", key, e.getMessage());
        }
    }

    /** Pages through the keys under {@code under} as it is iterated; a failure is an {@link SdkException} then. */
    private Iterable<S3Object> list(String under) {
        return s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(key(under))).contents();
    }

    private static void checkInterrupted() throws InterruptedIOException {
        if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("the sweep was interrupted");
        }
    }

    private boolean tombstonesEnabled() {
        return tombstoneRetention == null || !tombstoneRetention.isZero();
    }

    private String key(String name) {
        return settings.prefix() + name;
    }

    private String fileKey(String hash) {
        return key("files/" + hash);
    }

    private String tombstoneKey(String hash) {
        return key("gone/" + hash);
    }

    private String expiringKey(Instant deleteAt, String hash) {
        return key(String.format("expiring/%012d-%s", deleteAt.getEpochSecond(), hash));
    }

    /**
     * Whether a request failed because its connection broke (reset, closed, a write refused), as
     * opposed to a store that cannot be reached, does not answer in time, or answered an error.
     */
    static boolean lostConnection(SdkException failure) {
        if (failure instanceof S3Exception) {
            return false;
        }
        boolean io = false;
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof ConnectException || cause instanceof SocketTimeoutException
                    || cause instanceof UnknownHostException) {
                return false;
            }
            io |= cause instanceof IOException;
        }
        return io;
    }

    private StorageUnavailableException unavailable(String what, SdkException e) {
        String status = e instanceof S3Exception s3e ? " (HTTP " + s3e.statusCode() + ")" : "";
        return new StorageUnavailableException("The object store at " + settings.endpointName() + " failed "
                + what + status + ": " + e.getMessage(), e);
    }

    /**
     * A GetObject URL signed for {@code presignedLifetime}, when presigned downloads are on; never
     * past the file's own deletion time (at least a second, as signatures need).
     */
    Optional<URI> presignedDownload(String key, Optional<Instant> deleteAt, String contentType, String contentDisposition) {
        if (presigner == null) {
            return Optional.empty();
        }
        Duration lifetime = deleteAt.map(at -> Duration.between(expiry.now(), at))
                .filter(left -> left.compareTo(settings.presignedLifetime()) < 0)
                .map(left -> left.compareTo(Duration.ofSeconds(1)) < 0 ? Duration.ofSeconds(1) : left)
                .orElse(settings.presignedLifetime());
        try {
            return Optional.of(presigner.presignGetObject(p -> p.signatureDuration(lifetime)
                    .getObjectRequest(g -> g.bucket(bucket).key(key)
                            .responseContentType(contentType)
                            .responseContentDisposition(contentDisposition))).url().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("the SDK signed an invalid URL for " + key, e);
        }
    }

    @Override
    public void close() {
        s3.close();
        uploads.close();
        if (presigner != null) {
            presigner.close();
        }
        if (credentials instanceof SdkAutoCloseable closeable) {
            closeable.close();
        }
    }

    @Override
    public String toString() {
        return "s3://" + bucket + "/" + settings.prefix() + " at " + settings.endpointName();
    }
}
