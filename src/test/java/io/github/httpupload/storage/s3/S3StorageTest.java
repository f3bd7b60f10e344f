package io.github.httpupload.storage.s3;

import io.github.httpupload.auth.SlotPath;
import io.github.httpupload.config.ConfigException;
import io.github.httpupload.storage.AlreadyStoredException;
import io.github.httpupload.storage.FileDeletedException;
import io.github.httpupload.storage.FileTooLargeException;
import io.github.httpupload.storage.IncompleteUploadException;
import io.github.httpupload.storage.Lookup;
import io.github.httpupload.storage.NewFile;
import io.github.httpupload.storage.Storage;
import io.github.httpupload.storage.StorageSettings;
import io.github.httpupload.storage.StorageUnavailableException;
import io.github.httpupload.storage.StoredObject;
import io.github.httpupload.testsupport.OverwritingS3Server;
import io.github.httpupload.testsupport.S3ProxyServer;
import io.github.httpupload.testsupport.TestClock;
import org.junit.jupiter.api.BeforeAll;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.S3Exception;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@link S3Storage} against a real S3 API server (S3Proxy on loopback): every promise the local backend keeps. */
class S3StorageTest {

    private static S3ProxyServer s3;

    @BeforeAll
    static void store() throws Exception {
        s3 = S3ProxyServer.shared();
    }

    private final TestClock clock = TestClock.startingNow();

    private S3Settings bucket() throws IOException {
        return S3Settings.of(s3.newBucket(), s3.endpoint(), S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY);
    }

    private S3Storage open(StorageSettings settings) {
        return S3Storage.open(settings, clock);
    }

    private S3Storage open() throws IOException {
        return open(StorageSettings.inBucket(bucket()));
    }

    @Test
    void aFileComesBackWithItsMetadataAndAnyRange() throws Exception {
        try (S3Storage storage = open()) {
            byte[] content = random(300_000, 1);
            SlotPath path = SlotPath.parse("4a771ac1/tr%C3%A8s%20cool%20%E6%97%A5%E6%9C%AC.txt");
            Instant expires = clock.instant().plus(Duration.ofDays(3));
            storage.store(new NewFile(path, content.length, "text/plain; charset=utf-8", "juliet@example.com", expires),
                    new ByteArrayInputStream(content));

            StoredObject file = found(storage.open(path));
            assertEquals("4a771ac1/très cool 日本.txt", file.slotPath());
            assertEquals("text/plain; charset=utf-8", file.contentType());
            assertEquals(content.length, file.size());
            assertEquals("juliet@example.com", file.uploader().orElseThrow());
            assertEquals(expires.toEpochMilli(), file.deleteAt().orElseThrow().toEpochMilli());
            assertEquals(clock.instant().toEpochMilli(), file.storedAt().toEpochMilli());
            assertTrue(file.fileRegion().isEmpty(), "an object is no local file");
            assertArrayEquals(content, bytes(file, 0, content.length));
            assertArrayEquals(Arrays.copyOfRange(content, 65_536, 131_072), bytes(file, 65_536, 131_072));
            assertArrayEquals(Arrays.copyOfRange(content, content.length - 1, content.length), bytes(file, content.length - 1, content.length));
            assertEquals(0, bytes(file, 10, 10).length);
        }
    }

    @Test
    void aStoredFileIsNeverReplaced() throws Exception {
        try (S3Storage storage = open()) {
            SlotPath path = SlotPath.parse("4a771ac1/a.txt");
            storage.store(NewFile.of(path, 5, "text/plain"), stream("first"));

            assertThrows(AlreadyStoredException.class, () -> storage.store(NewFile.of(path, 6, "text/plain"), stream("second")));
            assertEquals("first", text(found(storage.open(path))));
        }
    }

    @Test
    void ofTwentyConcurrentUploadsToOneSlotExactlyOneIsStored() throws Exception {
        try (S3Storage storage = open()) {
            SlotPath path = SlotPath.parse("4a771ac1/race.bin");
            ExecutorService pool = Executors.newFixedThreadPool(20);
            try {
                CountDownLatch go = new CountDownLatch(1);
                List<Future<Integer>> outcomes = new ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    byte[] content = random(50_000, i);
                    outcomes.add(pool.submit(() -> {
                        go.await();
                        try {
                            storage.store(NewFile.of(path, content.length, "application/octet-stream"), new ByteArrayInputStream(content));
                            return 1;
                        } catch (AlreadyStoredException e) {
                            return 0;
                        }
                    }));
                }
                go.countDown();
                int stored = 0;
                for (Future<Integer> outcome : outcomes) {
                    stored += outcome.get();
                }
                assertEquals(1, stored);
                StoredObject winner = found(storage.open(path));
                byte[] served = bytes(winner, 0, winner.size());
                boolean one = false;
                for (int i = 0; i < 20; i++) {
                    one |= Arrays.equals(random(50_000, i), served);
                }
                assertTrue(one, "the stored bytes are exactly one upload's");
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aBodyThatEndsEarlyOrFailsStoresNothingAndTheSlotStaysFree() throws Exception {
        try (S3Storage storage = open()) {
            SlotPath path = SlotPath.parse("4a771ac1/short.bin");
            byte[] content = random(200_000, 7);

            IncompleteUploadException shortBody = assertThrows(IncompleteUploadException.class, () ->
                    storage.store(NewFile.of(path, content.length, "application/octet-stream"),
                            new ByteArrayInputStream(content, 0, 150_000)));
            assertTrue(shortBody.getMessage().contains("150000 of 200000"), shortBody.getMessage());
            assertEquals(Lookup.Status.ABSENT, storage.open(path).status());

            IOException clientGone = new IOException("the client hung up");
            IncompleteUploadException failed = assertThrows(IncompleteUploadException.class, () ->
                    storage.store(NewFile.of(path, content.length, "application/octet-stream"), failingAfter(content, 100_000, clientGone)));
            assertEquals(clientGone, failed.getCause());
            assertEquals(Lookup.Status.ABSENT, storage.open(path).status());

            storage.store(NewFile.of(path, content.length, "application/octet-stream"), new ByteArrayInputStream(content));
            assertArrayEquals(content, bytes(found(storage.open(path)), 0, content.length));
        }
    }

    @Test
    void aDeletedFileIsGoneAndItsSlotCannotBeUploadedAgain() throws Exception {
        try (S3Storage storage = open()) {
            SlotPath path = SlotPath.parse("4a771ac1/deleted.txt");
            storage.store(NewFile.of(path, 4, "text/plain"), stream("data"));

            assertTrue(storage.delete(path));
            assertEquals(Lookup.Status.GONE, storage.open(path).status());
            assertFalse(storage.delete(path));
            assertThrows(FileDeletedException.class, () -> storage.store(NewFile.of(path, 4, "text/plain"), stream("data")));
            assertFalse(storage.delete(SlotPath.parse("4a771ac1/never.txt")));
            assertEquals(Lookup.Status.ABSENT, storage.open(SlotPath.parse("4a771ac1/never.txt")).status());
        }
    }

    @Test
    void expiryHoldsAtOnceWithoutASweep() throws Exception {
        try (S3Storage storage = open(StorageSettings.inBucket(bucket()).withExpireAfter(Duration.ofHours(1)))) {
            SlotPath path = SlotPath.parse("4a771ac1/soon.txt");
            storage.store(NewFile.of(path, 4, "text/plain"), stream("soon"));
            clock.advance(Duration.ofMinutes(59));
            assertEquals(Lookup.Status.FOUND, storage.open(path).status());

            clock.advance(Duration.ofMinutes(1));
            assertEquals(Lookup.Status.GONE, storage.open(path).status());
            assertFalse(storage.delete(path), "an expired file counts as deleted already");
            assertThrows(FileDeletedException.class, () -> storage.store(NewFile.of(path, 4, "text/plain"), stream("soon")));
        }
    }

    @Test
    void theSweepDeletesByAgeAndByOwnExpiryAndPurgesOldTombstones() throws Exception {
        S3Settings bucket = bucket();
        StorageSettings settings = StorageSettings.inBucket(bucket).withExpireAfter(Duration.ofDays(1))
                .withTombstoneRetention(Duration.ofDays(2));
        try (S3Storage storage = open(settings)) {
            SlotPath old = SlotPath.parse("4a771ac1/old.txt");
            SlotPath early = SlotPath.parse("4a771ac1/own-expiry.txt");
            SlotPath fresh = SlotPath.parse("4a771ac1/fresh.txt");
            storage.store(NewFile.of(old, 3, "text/plain"), stream("old"));
            storage.store(new NewFile(early, 5, "text/plain", null, clock.instant().plus(Duration.ofMinutes(10))), stream("early"));

            clock.advance(Duration.ofMinutes(20));
            Storage.SweepResult first = storage.sweep();
            assertEquals(1, first.deleted(), "the file with its own expiry, found by its marker: " + first);
            assertEquals(5, first.deletedBytes());
            assertEquals(1, first.kept());
            assertEquals(Lookup.Status.GONE, storage.open(early).status());

            // LastModified is the store's real clock: a day on the test clock makes "old" due by age.
            clock.advance(Duration.ofDays(1));
            storage.store(NewFile.of(fresh, 5, "text/plain"), stream("fresh"));
            Storage.SweepResult second = storage.sweep();
            assertEquals(1, second.deleted(), second.toString());
            assertEquals(Lookup.Status.GONE, storage.open(old).status());
            assertEquals(Lookup.Status.FOUND, storage.open(fresh).status(), "a live file is never swept");

            clock.advance(Duration.ofDays(3));
            Storage.SweepResult third = storage.sweep();
            assertTrue(third.tombstonesPurged() >= 1, third.toString());
        }
    }

    @Test
    void anExpiryMarkerDueWithinItsSecondIsKeptUntilTheFileHasExpired() throws Exception {
        try (S3Storage storage = open()) { // no expireAfter: only the marker finds the file
            SlotPath path = SlotPath.parse("4a771ac1/half-second.txt");
            Instant second = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS).plusSeconds(600);
            storage.store(new NewFile(path, 4, "text/plain", null, second.plusMillis(500)), stream("soon"));

            clock.advance(Duration.between(clock.instant(), second)); // the marker's second, the file not due yet
            assertEquals(0, storage.sweep().deleted());
            assertEquals(Lookup.Status.FOUND, storage.open(path).status());

            clock.advance(Duration.ofSeconds(1));
            Storage.SweepResult due = storage.sweep();
            assertEquals(1, due.deleted(), "the marker was still there to find it: " + due);
            assertEquals(Lookup.Status.GONE, storage.open(path).status());
        }
    }

    @Test
    void aFileLargerThanOnePutObjectTakesIsRefusedBeforeItsBodyIsRead() throws Exception {
        try (S3Storage storage = open()) {
            SlotPath path = SlotPath.parse("4a771ac1/huge.iso");
            InputStream untouched = new InputStream() {
                @Override
                public int read() {
                    throw new AssertionError("the body was read");
                }
            };
            assertThrows(FileTooLargeException.class, () -> storage.store(
                    NewFile.of(path, StorageSettings.MAX_S3_OBJECT_SIZE + 1, "application/octet-stream"), untouched));
            assertEquals(Lookup.Status.ABSENT, storage.open(path).status());
        }
    }

    @Test
    void aPresignedUrlNeverOutlivesItsFile() throws Exception {
        try (S3Storage storage = open(StorageSettings.inBucket(bucket().withPresignedDownloads(true)))) {
            SlotPath path = SlotPath.parse("4a771ac1/short-lived.txt");
            storage.store(new NewFile(path, 4, "text/plain", null, clock.instant().plusSeconds(30)), stream("soon"));
            URI url = found(storage.open(path)).directDownload("inline").orElseThrow();
            String expires = url.getRawQuery().replaceAll(".*X-Amz-Expires=([0-9]+).*", "$1");
            assertTrue(Integer.parseInt(expires) <= 30, url.toString());
        }
    }

    @Test
    void noCredentialsAnywhereFailTheStartNamingTheAccessKey() throws Exception {
        S3Settings keyed = bucket();
        S3Settings unkeyed = new S3Settings(keyed.bucket(), keyed.endpoint(), keyed.region(), "", true, Optional.empty(),
                Optional.empty(), false, S3Settings.DEFAULT_PRESIGNED_LIFETIME);
        String imds = System.setProperty("aws.disableEc2Metadata", "true"); // no instance role to ask on this machine
        try {
            ConfigException e = assertThrows(ConfigException.class, () -> open(StorageSettings.inBucket(unkeyed)));
            assertTrue(e.getMessage().contains("[httpupload.s3.accessKeyId]"), e.getMessage());
        } finally {
            if (imds == null) {
                System.clearProperty("aws.disableEc2Metadata");
            } else {
                System.setProperty("aws.disableEc2Metadata", imds);
            }
        }
    }

    @Test
    void twoPrefixesInOneBucketAreTwoStores() throws Exception {
        S3Settings bucket = bucket();
        try (S3Storage a = open(StorageSettings.inBucket(bucket.withPrefix("a/")));
             S3Storage b = open(StorageSettings.inBucket(bucket.withPrefix("b/")))) {
            SlotPath path = SlotPath.parse("4a771ac1/shared-name.txt");
            a.store(NewFile.of(path, 1, "text/plain"), stream("a"));

            assertEquals(Lookup.Status.ABSENT, b.open(path).status());
            b.store(NewFile.of(path, 1, "text/plain"), stream("b"));
            assertEquals("a", text(found(a.open(path))));
            assertEquals("b", text(found(b.open(path))));
        }
    }

    @Test
    void aMissingBucketFailsTheStartNamingTheBucket() {
        S3Settings missing = S3Settings.of("no-such-bucket-here", s3.endpoint(), S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY);
        ConfigException e = assertThrows(ConfigException.class, () -> open(StorageSettings.inBucket(missing)));
        assertTrue(e.getMessage().contains("[httpupload.s3.bucket] value [no-such-bucket-here]"), e.getMessage());
    }

    @Test
    void wrongCredentialsFailTheStartNamingTheAccessKeyButNeverTheSecret() throws Exception {
        S3Settings wrong = S3Settings.of(s3.newBucket(), s3.endpoint(), S3ProxyServer.ACCESS_KEY, "a-wrong-secret-key");
        ConfigException e = assertThrows(ConfigException.class, () -> open(StorageSettings.inBucket(wrong)));
        assertTrue(e.getMessage().contains("[httpupload.s3.accessKeyId] value [" + S3ProxyServer.ACCESS_KEY + "]"), e.getMessage());
        assertFalse(e.getMessage().contains("a-wrong-secret-key"), e.getMessage());
    }

    @Test
    void anUnreachableStoreFailsTheStartNamingTheEndpoint() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        URI nowhere = URI.create("http://127.0.0.1:" + closedPort);
        ConfigException e = assertThrows(ConfigException.class, () -> open(StorageSettings.inBucket(
                S3Settings.of("uploads", nowhere, "id", "secret"))));
        assertTrue(e.getMessage().contains("[httpupload.s3.endpoint] value [" + nowhere + "]"), e.getMessage());
    }

    @Test
    void aStoreThatOverwritesFailsTheStart() throws Exception {
        try (OverwritingS3Server overwriting = new OverwritingS3Server()) {
            ConfigException e = assertThrows(ConfigException.class, () -> open(StorageSettings.inBucket(
                    S3Settings.of("uploads", overwriting.endpoint(), "id", "secret"))));
            assertTrue(e.getMessage().contains("[httpupload.s3.endpoint] value [" + overwriting.endpoint() + "]"), e.getMessage());
            assertTrue(e.getMessage().contains("overwrote an existing object"), e.getMessage());
            assertEquals(2, overwriting.puts(), "the probe wrote twice");
        }
    }

    @Test
    void aStoreThatGoesAwayIsUnavailableAndTheServiceRecoversWhenItIsBack(@TempDir Path dir) throws Exception {
        try (S3ProxyServer own = S3ProxyServer.start(dir)) {
            S3Settings bucket = S3Settings.of(own.newBucket(), own.endpoint(), S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY);
            try (S3Storage storage = open(StorageSettings.inBucket(bucket))) {
                SlotPath kept = SlotPath.parse("4a771ac1/kept.txt");
                storage.store(NewFile.of(kept, 4, "text/plain"), stream("kept"));
                own.stop();

                SlotPath path = SlotPath.parse("4a771ac1/while-down.txt");
                assertThrows(StorageUnavailableException.class, () -> storage.store(NewFile.of(path, 4, "text/plain"), stream("down")));
                assertThrows(StorageUnavailableException.class, () -> storage.open(kept));

                own.restart();
                storage.store(NewFile.of(path, 4, "text/plain"), stream("back"));
                assertEquals("back", text(found(storage.open(path))));
                assertEquals("kept", text(found(storage.open(kept))));
            }
        }
    }

    @Test
    void uploadsRightAfterTheStoreRestartedAreStoredThoughEveryKeptAliveConnectionIsDead(@TempDir Path dir) throws Exception {
        try (S3ProxyServer own = S3ProxyServer.start(dir)) {
            S3Settings bucket = S3Settings.of(own.newBucket(), own.endpoint(), S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY);
            try (S3Storage storage = open(StorageSettings.inBucket(bucket))) {
                // Five at once leave five kept-alive connections, the most the JDK keeps per store.
                ExecutorService pool = Executors.newFixedThreadPool(5);
                try {
                    List<Future<Void>> before = new ArrayList<>();
                    for (int i = 0; i < 5; i++) {
                        SlotPath path = SlotPath.parse("4a771ac1/before-" + i + ".txt");
                        before.add(pool.submit(() -> {
                            storage.store(NewFile.of(path, 6, "text/plain"), stream("before"));
                            return null;
                        }));
                    }
                    for (Future<Void> f : before) {
                        f.get(30, TimeUnit.SECONDS);
                    }
                } finally {
                    pool.shutdownNow();
                }
                own.restart();

                for (int i = 0; i < 3; i++) {
                    SlotPath path = SlotPath.parse("4a771ac1/after-" + i + ".txt");
                    storage.store(NewFile.of(path, 5, "text/plain"), stream("after"));
                    assertEquals("after", text(found(storage.open(path))));
                }
            }
        }
    }

    @Test
    void onlyABrokenConnectionIsWorthAnotherAttempt() {
        assertTrue(S3Storage.lostConnection(SdkClientException.create("wrapped", new IOException("Error writing request body to server"))));
        assertTrue(S3Storage.lostConnection(SdkClientException.create("wrapped", new SocketException("Connection reset"))));
        assertFalse(S3Storage.lostConnection(SdkClientException.create("down", new ConnectException("Connection refused"))));
        assertFalse(S3Storage.lostConnection(SdkClientException.create("slow", new SocketTimeoutException("Read timed out"))));
        assertFalse(S3Storage.lostConnection((SdkException) S3Exception.builder().statusCode(503).message("SlowDown").build()));
    }

    @Test
    void aHundredAbortedDownloadsReleaseTheirConnections() throws Exception {
        try (S3Storage storage = open()) {
            SlotPath path = SlotPath.parse("4a771ac1/big.bin");
            byte[] content = random(4 * 1024 * 1024, 3);
            storage.store(NewFile.of(path, content.length, "application/octet-stream"), new ByteArrayInputStream(content));
            StoredObject file = found(storage.open(path));
            for (int i = 0; i < 100; i++) {
                OutputStream hangsUp = new OutputStream() {
                    private long written;

                    @Override
                    public void write(int b) throws IOException {
                        write(new byte[] {(byte) b}, 0, 1);
                    }

                    @Override
                    public void write(byte[] b, int off, int len) throws IOException {
                        written += len;
                        if (written > 100_000) {
                            throw new IOException("the client hung up");
                        }
                    }
                };
                assertThrows(IOException.class, () -> file.writeTo(hangsUp, 0, content.length));
            }
            assertArrayEquals(content, bytes(file, 0, content.length), "downloads go on after the aborted ones");
        }
    }

    private static StoredObject found(Lookup lookup) {
        assertEquals(Lookup.Status.FOUND, lookup.status());
        return lookup.file().orElseThrow();
    }

    private static byte[] bytes(StoredObject file, long start, long end) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        file.writeTo(out, start, end);
        return out.toByteArray();
    }

    private static String text(StoredObject file) throws IOException {
        return new String(bytes(file, 0, file.size()), StandardCharsets.UTF_8);
    }

    private static InputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** The first {@code good} bytes of {@code content}, then {@code failure}: a client that goes away mid-body. */
    private static InputStream failingAfter(byte[] content, int good, IOException failure) {
        return new InputStream() {
            private int at;

            @Override
            public int read() throws IOException {
                byte[] one = new byte[1];
                return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
            }

            @Override
            public int read(byte[] b, int off, int len) throws IOException {
                if (at >= good) {
                    throw failure;
                }
                int n = Math.min(len, good - at);
                System.arraycopy(content, at, b, off, n);
                at += n;
                return n;
            }
        };
    }
}
