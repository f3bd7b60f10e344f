package io.github.httpupload.storage.s3;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.http.urlconnection.UrlConnectionHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.retries.api.RetryStrategy;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.S3ClientBuilder;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.time.Duration;

/** The SDK clients for one {@link S3Settings}: the JDK's HTTP client, no retries, checksums only where required. */
final class S3Clients {

    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    /** How long a store may stay silent on an open connection before the request fails. */
    static final Duration SOCKET_TIMEOUT = Duration.ofSeconds(60);

    private S3Clients() {
    }

    /**
     * Attempts per request of the retrying client: more than the idle connections the JDK keeps
     * per host ({@code http.maxConnections}, 5). When the store has closed every one of them (seen
     * with racing deletions: all three standard attempts failed "writing request body"), the last
     * attempt still gets a new connection.
     */
    static final int MAX_ATTEMPTS = 6;
    /**
     * Backoff between them, throttling included: 100 ms doubling up to 1 s, so all six take at most
     * 2.5 s of waiting. The SDK's throttling default (1 s doubling) would hold a request for up to
     * 31 s; the XMPP client is better served by a prompt 503 with Retry-After.
     */
    private static final BackoffStrategy BACKOFF = BackoffStrategy.exponentialDelay(Duration.ofMillis(100), Duration.ofSeconds(1));

    /**
     * A client for requests that can be sent again (no body, or one in memory): the SDK's
     * standard retries, {@link #MAX_ATTEMPTS} of them, which also cover kept-alive connections
     * the store closed meanwhile.
     */
    static S3Client create(S3Settings settings, AwsCredentialsProvider credentials) {
        return create(settings, credentials,
                AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(MAX_ATTEMPTS)
                        .backoffStrategy(BACKOFF).throttlingBackoffStrategy(BACKOFF).build(), false);
    }

    /**
     * A client for uploads: no retries, because an upload body is the client's request stream
     * and cannot be sent twice (the XMPP client retries after 503 and Retry-After). Every upload,
     * however small, asks {@code Expect: 100-continue}: a kept-alive connection the store has
     * closed meanwhile then fails before the first body byte is read, so the one retry in
     * {@link S3Storage} can safely reopen it, and a refusal comes before the body is sent.
     */
    static S3Client forUploads(S3Settings settings, AwsCredentialsProvider credentials) {
        return create(settings, credentials, AwsRetryStrategy.doNotRetry(), true);
    }

    /** Checksums {@code WHEN_REQUIRED}: the SDK's default CRC trailers are refused by stores other than AWS. */
    private static S3Client create(S3Settings settings, AwsCredentialsProvider credentials, RetryStrategy retries,
                                   boolean alwaysExpectContinue) {
        S3ClientBuilder builder = S3Client.builder()
                .httpClientBuilder(UrlConnectionHttpClient.builder()
                        .connectionTimeout(CONNECT_TIMEOUT)
                        .socketTimeout(SOCKET_TIMEOUT))
                .region(Region.of(settings.region()))
                .serviceConfiguration(S3Configuration.builder()
                        .pathStyleAccessEnabled(settings.pathStyle())
                        .expectContinueThresholdInBytes(alwaysExpectContinue ? 0L : null)
                        .build())
                .credentialsProvider(credentials)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .overrideConfiguration(o -> o.retryStrategy(retries));
        settings.endpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    static S3Presigner presigner(S3Settings settings, AwsCredentialsProvider credentials) {
        S3Presigner.Builder builder = S3Presigner.builder()
                .region(Region.of(settings.region()))
                .credentialsProvider(credentials)
                .serviceConfiguration(S3Configuration.builder()
                        .pathStyleAccessEnabled(settings.pathStyle()).build());
        settings.endpoint().ifPresent(builder::endpointOverride);
        return builder.build();
    }

    /**
     * The static keys, or the SDK's default chain. One per storage, shared by its clients and
     * closed with it: the chain may refresh instance-role credentials on a thread of its own.
     */
    static AwsCredentialsProvider credentials(S3Settings settings) {
        if (settings.accessKeyId().isPresent()) {
            return StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(settings.accessKeyId().get(), settings.secretAccessKey().orElseThrow()));
        }
        return DefaultCredentialsProvider.builder().build();
    }
}
