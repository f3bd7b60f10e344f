package io.github.httpupload.storage;

import io.github.httpupload.auth.SlotPath;
import io.github.httpupload.storage.s3.S3Settings;
import io.github.httpupload.storage.s3.S3Storage;
import io.github.httpupload.testsupport.S3ProxyServer;
import io.github.httpupload.testsupport.TestClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static io.github.httpupload.storage.LocalStorageTest.read;
import static io.github.httpupload.storage.LocalStorageTest.slot;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * The sweepers of two instances over one store, running at the same moment (the storage itself,
 * as each webapp's {@link Sweeper} calls it): each expired file is deleted and counted once, no
 * live file is deleted (neither one stored before nor one stored during the sweeps), a swept
 * file stays gone for both, and (local backend) each old tombstone is purged and counted once.
 * (S3: the two sweepers' purges may both count one tombstone, DeleteObject saying nothing of
 * whether it was there; the counts are only logged. Not asserted here.)
 */
class SeveralInstancesSweepTest {

    private static final Duration EXPIRE_AFTER = Duration.ofHours(1);
    private static final int EXPIRED = 30;
    private static final int DELETED = 10;
    private static final int LIVE = 10;
    private static final int SIZE = 100;

    private final TestClock clock = TestClock.startingNow();

    @TempDir
    Path root;

    @Test
    void twoLocalStoragesOnOneDirectory() throws Exception {
        StorageSettings settings = StorageSettings.in(root).withExpireAfter(EXPIRE_AFTER).withTombstoneRetention(EXPIRE_AFTER);
        try (LocalStorage one = LocalStorage.open(settings, clock); LocalStorage two = LocalStorage.open(settings, clock)) {
            sweepTogether(one, two, 4096 + SIZE, true); // a file on disk: its header page, then its bytes
        }
    }

    @Test
    void twoS3StoragesOnOneBucketAndPrefix() throws Exception {
        S3ProxyServer s3 = S3ProxyServer.shared();
        S3Settings bucket = S3Settings.of(s3.newBucket(), s3.endpoint(), S3ProxyServer.ACCESS_KEY, S3ProxyServer.SECRET_KEY)
                .withPrefix("shared/");
        // A tombstone's age is its LastModified, the store's real clock, which the test clock's
        // hour ahead would make the sweep's own new tombstones old too: here none is purged.
        StorageSettings settings = StorageSettings.inBucket(bucket).withExpireAfter(EXPIRE_AFTER)
                .withTombstoneRetention(Duration.ofDays(1));
        try (S3Storage one = S3Storage.open(settings, clock); S3Storage two = S3Storage.open(settings, clock)) {
            sweepTogether(one, two, SIZE, false);
        }
    }

    /** With {@code purges}, the tombstones of the files deleted before are past their retention at the sweep. */
    private void sweepTogether(Storage one, Storage two, long storedSize, boolean purges) throws Exception {
        List<SlotPath> expired = store(one, two, "expired", EXPIRED);
        List<SlotPath> deleted = store(one, two, "deleted", DELETED);
        for (SlotPath path : deleted) {
            assertEquals(true, two.delete(path));
        }
        // Past expireAfter for the files above, past the retention for their tombstones.
        clock.advance(EXPIRE_AFTER.plusMinutes(1));
        List<SlotPath> live = store(one, two, "live", LIVE);

        ExecutorService pool = Executors.newFixedThreadPool(3);
        List<SlotPath> storedDuring;
        Storage.SweepResult first;
        Storage.SweepResult second;
        try {
            CountDownLatch go = new CountDownLatch(1);
            Future<Storage.SweepResult> sweepOne = pool.submit(() -> {
                go.await();
                return one.sweep();
            });
            Future<Storage.SweepResult> sweepTwo = pool.submit(() -> {
                go.await();
                return two.sweep();
            });
            Future<List<SlotPath>> uploads = pool.submit((Callable<List<SlotPath>>) () -> {
                go.await();
                return store(one, two, "during", LIVE);
            });
            go.countDown();
            first = sweepOne.get();
            second = sweepTwo.get();
            storedDuring = uploads.get();
        } finally {
            pool.shutdownNow();
        }

        String results = first + " and " + second;
        assertEquals(EXPIRED, first.deleted() + second.deleted(), "each expired file counted once: " + results);
        assertEquals(EXPIRED * storedSize, first.deletedBytes() + second.deletedBytes(), results);
        assertEquals(purges ? DELETED : 0, first.tombstonesPurged() + second.tombstonesPurged(),
                "each old tombstone counted once: " + results);
        for (Storage storage : List.of(one, two)) {
            for (SlotPath path : expired) {
                assertEquals(Lookup.GONE, storage.open(path), path.value());
                assertThrows(FileDeletedException.class, () -> storage.store(NewFile.of(path, SIZE, "text/plain"), body(path)),
                        "a swept file is never stored again: " + path.value());
            }
            for (SlotPath path : deleted) {
                assertEquals(purges ? Lookup.ABSENT : Lookup.GONE, storage.open(path), path.value());
            }
            for (SlotPath path : live) {
                assertStored(storage, path);
            }
            for (SlotPath path : storedDuring) {
                assertStored(storage, path);
            }
        }
        // Nothing was left for a later sweep: each file and tombstone was handled once, by one of the two.
        Storage.SweepResult again = one.sweep();
        assertEquals(0, again.deleted(), again.toString());
        assertEquals(0, again.tombstonesPurged(), again.toString());
    }

    /** Stores {@code count} files named {@code name-i}, alternately through each instance. */
    private static List<SlotPath> store(Storage one, Storage two, String name, int count) throws IOException {
        List<SlotPath> paths = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            SlotPath path = slot("4a771ac1/" + name + "-" + i + ".txt");
            (i % 2 == 0 ? one : two).store(NewFile.of(path, SIZE, "text/plain"), body(path));
            paths.add(path);
        }
        return paths;
    }

    private static void assertStored(Storage storage, SlotPath path) throws IOException {
        Lookup lookup = storage.open(path);
        assertEquals(Lookup.Status.FOUND, lookup.status(), "a live file is never swept: " + path.value());
        assertArrayEquals(content(path), read(lookup.file().orElseThrow()));
    }

    /** {@value #SIZE} bytes that say which file they belong to. */
    private static byte[] content(SlotPath path) {
        byte[] bytes = new byte[SIZE];
        byte[] name = path.value().getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < SIZE; i++) {
            bytes[i] = name[i % name.length];
        }
        return bytes;
    }

    private static ByteArrayInputStream body(SlotPath path) {
        return new ByteArrayInputStream(content(path));
    }
}
