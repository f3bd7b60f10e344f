package io.github.httpupload.storage.s3;

import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A {@code PutObject} with {@code If-None-Match: *} that knows whether it created the object.
 * A refusal alone does not tell: when a first attempt was stored but its answer was lost (a
 * connection closed at the wrong moment) the SDK's retry is refused by our own object. So every
 * write carries a random {@code write-id} in its metadata, and a refusal is checked against it.
 */
final class CreateOnce {

    static final String WRITE_ID = "write-id";

    private CreateOnce() {
    }

    /**
     * @param writes the client that sends the write (with or without retries)
     * @param lookups the client that checks a refusal (with retries: a HEAD can be repeated)
     * @param writeId the same for every attempt of one write, from {@link #newWriteId()}
     * @return true when this write created the object; false when it was there already
     * @throws S3Exception for any other answer of the store
     */
    static boolean put(S3Client writes, S3Client lookups, String bucket, String key, String writeId,
                       Map<String, String> metadata, Consumer<PutObjectRequest.Builder> request, RequestBody body) {
        Map<String, String> withId = new HashMap<>(metadata);
        withId.put(WRITE_ID, writeId);
        try {
            writes.putObject(b -> {
                request.accept(b);
                b.bucket(bucket).key(key).ifNoneMatch("*").metadata(withId);
            }, body);
            return true;
        } catch (S3Exception refusal) {
            if (!refused(refusal)) {
                throw refusal;
            }
            try {
                return writeId.equals(lookups.headObject(b -> b.bucket(bucket).key(key)).metadata().get(WRITE_ID));
            } catch (S3Exception e) {
                if (e.statusCode() != 404) {
                    throw e;
                }
                if (refusal.statusCode() == 409) {
                    throw refusal; // AWS: another write to the key was in flight and may yet fail: not "stored"
                }
                return false; // there a moment ago, deleted since: not ours to count
            }
        }
    }

    /** Whether the object at {@code key} is the one a write with {@code writeId} stored (false: absent or another). */
    static boolean isOwn(S3Client lookups, String bucket, String key, String writeId) {
        try {
            return writeId.equals(lookups.headObject(b -> b.bucket(bucket).key(key)).metadata().get(WRITE_ID));
        } catch (SdkException e) {
            return false;
        }
    }

    static String newWriteId() {
        return UUID.randomUUID().toString();
    }

    /** The answers of a store to a conditional write whose object exists. */
    static boolean refused(S3Exception e) {
        return e.statusCode() == 412 || e.statusCode() == 409;
    }
}
