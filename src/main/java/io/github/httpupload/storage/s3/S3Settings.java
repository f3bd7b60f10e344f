package io.github.httpupload.storage.s3;

import io.github.httpupload.config.ConfigException;
import io.github.httpupload.config.ParameterReader;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Optional;
import java.util.regex.Pattern;

import static io.github.httpupload.config.Parameters.S3_ACCESS_KEY_ID;
import static io.github.httpupload.config.Parameters.S3_BUCKET;
import static io.github.httpupload.config.Parameters.S3_ENDPOINT;
import static io.github.httpupload.config.Parameters.S3_PATH_STYLE;
import static io.github.httpupload.config.Parameters.S3_PREFIX;
import static io.github.httpupload.config.Parameters.S3_PRESIGNED_DOWNLOADS;
import static io.github.httpupload.config.Parameters.S3_PRESIGNED_LIFETIME;
import static io.github.httpupload.config.Parameters.S3_REGION;
import static io.github.httpupload.config.Parameters.S3_SECRET_ACCESS_KEY;
import static io.github.httpupload.config.Parameters.S3_SECRET_ACCESS_KEY_FILE;

/**
 * Where an S3-compatible store keeps the files: bucket, endpoint, region, key prefix, addressing,
 * credentials. {@link #toString()} never contains the secret access key.
 *
 * @param endpoint           empty: AWS, by region
 * @param accessKeyId        empty: the SDK's default credential chain (environment, profile, instance role)
 * @param secretAccessKey    present exactly when {@code accessKeyId} is
 * @param presignedLifetime  how long a presigned download URL is valid
 */
public record S3Settings(String bucket, Optional<URI> endpoint, String region, String prefix, boolean pathStyle,
                         Optional<String> accessKeyId, Optional<String> secretAccessKey,
                         boolean presignedDownloads, Duration presignedLifetime) {

    public static final String DEFAULT_REGION = "us-east-1";
    public static final Duration DEFAULT_PRESIGNED_LIFETIME = Duration.ofMinutes(5);
    /** SigV4 presigned URLs are valid for seven days at most. */
    private static final Duration MAX_PRESIGNED_LIFETIME = Duration.ofDays(7);
    /** S3's bucket naming rules (lower case, digits, dots, hyphens; 3 to 63 characters). */
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");
    private static final Pattern REGION = Pattern.compile("[a-z0-9-]{1,64}");

    /** A bucket at {@code endpoint} with static credentials: what the tests and most operators use. */
    public static S3Settings of(String bucket, URI endpoint, String accessKeyId, String secretAccessKey) {
        return new S3Settings(bucket, Optional.of(endpoint), DEFAULT_REGION, "", true, Optional.of(accessKeyId),
                Optional.of(secretAccessKey), false, DEFAULT_PRESIGNED_LIFETIME);
    }

    public S3Settings withPrefix(String value) {
        return new S3Settings(bucket, endpoint, region, value, pathStyle, accessKeyId, secretAccessKey, presignedDownloads,
                presignedLifetime);
    }

    public S3Settings withPresignedDownloads(boolean value) {
        return new S3Settings(bucket, endpoint, region, prefix, pathStyle, accessKeyId, secretAccessKey, value,
                presignedLifetime);
    }

    public static S3Settings from(ParameterReader reader) {
        String bucket = reader.string(S3_BUCKET);
        if (bucket == null) {
            throw new ConfigException("Missing configuration parameter [" + S3_BUCKET
                    + "]: httpupload.storage=s3 needs the name of the bucket that keeps the files");
        }
        if (!BUCKET.matcher(bucket).matches()) {
            throw ConfigException.badValue(S3_BUCKET, bucket, "not a bucket name (3 to 63 lower-case letters, digits, dots and hyphens)");
        }
        Optional<URI> endpoint = Optional.ofNullable(reader.string(S3_ENDPOINT)).map(S3Settings::endpoint);
        String region = Optional.ofNullable(reader.string(S3_REGION)).orElse(DEFAULT_REGION);
        if (!REGION.matcher(region).matches()) {
            throw ConfigException.badValue(S3_REGION, region, "not a region name (for example us-east-1)");
        }
        String prefix = Optional.ofNullable(reader.string(S3_PREFIX)).orElse("");
        if (prefix.startsWith("/") || prefix.contains("//") || !prefix.isEmpty() && !prefix.endsWith("/")
                || !prefix.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw ConfigException.badValue(S3_PREFIX, prefix,
                    "expected printable ASCII ending in / and not starting with one (for example upload/), or empty");
        }
        Optional<String> accessKeyId = Optional.ofNullable(reader.string(S3_ACCESS_KEY_ID));
        Optional<String> secretAccessKey = Optional.ofNullable(reader.secret(S3_SECRET_ACCESS_KEY, S3_SECRET_ACCESS_KEY_FILE));
        if (accessKeyId.isPresent() != secretAccessKey.isPresent()) {
            throw new ConfigException("Configuration parameter [" + (accessKeyId.isPresent() ? S3_ACCESS_KEY_ID
                    : S3_SECRET_ACCESS_KEY) + "] is set without [" + (accessKeyId.isPresent() ? S3_SECRET_ACCESS_KEY
                    + "] (or [" + S3_SECRET_ACCESS_KEY_FILE + "])" : S3_ACCESS_KEY_ID + "]")
                    + ": set both, or neither to use the SDK's default credential chain");
        }
        Duration lifetime = reader.duration(S3_PRESIGNED_LIFETIME, DEFAULT_PRESIGNED_LIFETIME, Duration.ofSeconds(1));
        if (lifetime.compareTo(MAX_PRESIGNED_LIFETIME) > 0) {
            throw ConfigException.badValue(S3_PRESIGNED_LIFETIME, reader.string(S3_PRESIGNED_LIFETIME), "presigned URLs last 7 days (P7D) at most");
        }
        return new S3Settings(bucket, endpoint, region, prefix, reader.bool(S3_PATH_STYLE, endpoint.isPresent()),
                accessKeyId, secretAccessKey, reader.bool(S3_PRESIGNED_DOWNLOADS, false), lifetime);
    }

    private static URI endpoint(String value) {
        try {
            URI uri = new URI(value.trim());
            if (uri.getRawUserInfo() != null) { // it would be logged with the endpoint: credentials have their own parameters
                throw ConfigException.badValue(S3_ENDPOINT, value.replace(uri.getRawUserInfo(), "…"),
                        "user and password belong in " + S3_ACCESS_KEY_ID + " and " + S3_SECRET_ACCESS_KEY + ", not in the URL");
            }
            if (!("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) || uri.getHost() == null
                    || uri.getRawQuery() != null || uri.getRawFragment() != null
                    || uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !uri.getRawPath().equals("/")) {
                throw ConfigException.badValue(S3_ENDPOINT, value, "expected http:// or https:// with a host and no path,"
                        + " for example http://127.0.0.1:7480");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw ConfigException.badValue(S3_ENDPOINT, value, "not a URL (" + e.getReason() + ")");
        }
    }

    /** The endpoint as operators name it in messages. */
    public String endpointName() {
        return endpoint.map(URI::toString).orElse("AWS S3 (" + region + ")");
    }

    @Override
    public String toString() {
        return S3_BUCKET + "=" + bucket + ", " + S3_ENDPOINT + "=" + endpointName() + ", " + S3_REGION + "=" + region
                + ", " + S3_PREFIX + "=" + (prefix.isEmpty() ? "(none)" : prefix) + ", " + S3_PATH_STYLE + "=" + pathStyle
                + ", credentials=" + accessKeyId.map(id -> "access key " + id).orElse("(the SDK's default chain)")
                + ", " + S3_PRESIGNED_DOWNLOADS + "=" + presignedDownloads
                + (presignedDownloads ? ", " + S3_PRESIGNED_LIFETIME + "=" + presignedLifetime : "");
    }
}
