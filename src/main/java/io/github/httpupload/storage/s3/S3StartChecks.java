package io.github.httpupload.storage.s3;

import io.github.httpupload.config.ConfigException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

import java.util.Map;

import static io.github.httpupload.config.Parameters.S3_ACCESS_KEY_ID;
import static io.github.httpupload.config.Parameters.S3_BUCKET;
import static io.github.httpupload.config.Parameters.S3_ENDPOINT;
import static io.github.httpupload.config.Parameters.S3_REGION;

/**
 * What the start proves about a bucket, so that a wrong setting fails the deployment and not the
 * first upload: the store answers, the credentials are accepted, and — the guarantee everything
 * rests on — an object that exists is never overwritten by a {@code PutObject} with
 * {@code If-None-Match: *}. Each failure names the parameter to fix.
 */
final class S3StartChecks {

    private S3StartChecks() {
    }

    static void run(S3Client s3, S3Settings settings, String probeKey) {
        reachable(s3, settings);
        refusesOverwrite(s3, settings, probeKey);
    }

    private static void reachable(S3Client s3, S3Settings settings) {
        try {
            s3.headBucket(b -> b.bucket(settings.bucket()));
        } catch (S3Exception e) {
            throw switch (e.statusCode()) {
                case 404 -> new ConfigException("Invalid configuration parameter [" + S3_BUCKET + "] value ["
                        + settings.bucket() + "]: no such bucket at " + settings.endpointName() + "; create it first");
                case 401, 403 -> new ConfigException("Invalid configuration parameter [" + S3_ACCESS_KEY_ID + "]"
                        + settings.accessKeyId().map(id -> " value [" + id + "]").orElse(" (not set: the SDK's default credentials)")
                        + ": " + settings.endpointName() + " refused the credentials for bucket [" + settings.bucket()
                        + "] (HTTP " + e.statusCode() + ")");
                case 301, 400 -> new ConfigException("Invalid configuration parameter [" + S3_REGION + "] value ["
                        + settings.region() + "]: " + settings.endpointName() + " answered HTTP " + e.statusCode()
                        + " for bucket [" + settings.bucket() + "]; is the bucket in another region?");
                default -> new ConfigException("Invalid configuration parameter [" + S3_ENDPOINT + "] value ["
                        + settings.endpointName() + "]: the store answered HTTP " + e.statusCode() + " for bucket ["
                        + settings.bucket() + "]");
            };
        } catch (SdkClientException e) {
            if (settings.accessKeyId().isEmpty() && String.valueOf(e.getMessage()).contains("Unable to load credentials")) {
                throw new ConfigException("Missing configuration parameter [" + S3_ACCESS_KEY_ID + "]: it is not set and the"
                        + " SDK's default chain (environment, profile, instance role) found no credentials", e);
            }
            throw new ConfigException("Invalid configuration parameter [" + S3_ENDPOINT + "] value [" + settings.endpointName()
                    + "]: the store cannot be reached (" + e.getMessage() + ")", e);
        }
    }

    /** Writes a probe object twice with If-None-Match: *; the second write must be refused. */
    private static void refusesOverwrite(S3Client s3, S3Settings settings, String key) {
        String refusal = "Invalid configuration parameter [" + S3_ENDPOINT + "] value [" + settings.endpointName()
                + "]: the store ";
        String consequence = "; without it an upload could replace another user's file. Use a store whose PutObject"
                + " honours If-None-Match (AWS S3, Ceph RGW, SeaweedFS; see docs/s3.md)";
        try {
            if (!put(s3, settings, key)) {
                throw new ConfigException(refusal + "refused a conditional write (If-None-Match: *) of a new object"
                        + consequence);
            }
            if (put(s3, settings, key)) {
                throw new ConfigException(refusal + "overwrote an existing object although the write said If-None-Match: *,"
                        + " so it cannot keep the never-overwrite guarantee" + consequence);
            }
        } catch (S3Exception e) {
            throw new ConfigException(refusal + "answered HTTP " + e.statusCode() + " to a conditional write"
                    + " (If-None-Match: *)" + consequence, e);
        } catch (SdkException e) {
            throw new ConfigException(refusal + "failed a write to bucket [" + settings.bucket() + "] (" + e.getMessage() + ")", e);
        } finally {
            try {
                s3.deleteObject(b -> b.bucket(settings.bucket()).key(key));
            } catch (SdkException e) {
                // a stray probe object costs nothing; the start goes on
            }
        }
    }

    /** @return whether the write created the object (false: it was refused, the object exists) */
    private static boolean put(S3Client s3, S3Settings settings, String key) {
        return CreateOnce.put(s3, s3, settings.bucket(), key, CreateOnce.newWriteId(), Map.of(), b -> b.contentType("text/plain"),
                RequestBody.fromString("http-upload-servlet overwrite probe"));
    }
}
