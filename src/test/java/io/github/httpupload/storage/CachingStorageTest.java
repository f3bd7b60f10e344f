package io.github.httpupload.storage;

import io.github.httpupload.auth.SlotPath;
import io.github.httpupload.testsupport.StorageLayout;
import io.github.httpupload.testsupport.TestClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static io.github.httpupload.storage.LocalStorageTest.UNREADABLE;
import static io.github.httpupload.storage.LocalStorageTest.body;
import static io.github.httpupload.storage.LocalStorageTest.read;
import static io.github.httpupload.storage.LocalStorageTest.slot;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link CachingStorage} in front of a real {@link LocalStorage}. "Served from memory" is shown
 * by deleting the file behind the service's back: a cached entry still answers, an uncached one
 * does not. Its promise: its own deletions and every expiry are seen at once; a deletion behind
 * its back only after {@code ttl}.
 */
class CachingStorageTest {

    private static final Instant START = Instant.parse("2030-05-06T07:08:09.123Z");
    private static final Duration TTL = Duration.ofSeconds(5);

    @TempDir
    Path root;

    private final TestClock clock = TestClock.at(START);

    private CachingStorage cache(StorageSettings settings, long budget, Duration ttl) throws IOException {
        LocalStorage local = LocalStorage.open(settings, clock);
        return new CachingStorage(local, local.expiry(), clock, budget, ttl);
    }

    private CachingStorage cache() throws IOException {
        return cache(StorageSettings.in(root), CachingStorage.DEFAULT_BUDGET_BYTES, TTL);
    }

    // ---- served from memory ----------------------------------------------------------------------

    @Test
    void aSmallFileIsServedFromMemory() throws IOException {
        CachingStorage cache = cache();
        byte[] content = random(10_000, 1);
        cache.store(NewFile.of(slot("a/small.png"), content.length, "image/png"), new ByteArrayInputStream(content));

        StoredObject first = found(cache, "a/small.png");
        Files.delete(StorageLayout.storedFile(root, "a/small.png")); // behind the service's back
        StoredObject second = found(cache, "a/small.png");

        assertSame(first, second, "the cached entry, with no storage call");
        assertArrayEquals(content, read(second), "the content is in memory");
        assertArrayEquals(java.util.Arrays.copyOfRange(content, 100, 200), LocalStorageTest.read(second, 100, 200));
        assertEquals("image/png", second.contentType());
        assertEquals("a/small.png", second.slotPath());
        assertEquals(START, second.storedAt());
        assertEquals(java.util.Optional.empty(), second.fileRegion(), "written from memory");
        assertTrue(cache.cachedBytes() >= content.length, "the content is counted: " + cache.cachedBytes());
    }

    @Test
    void aLargeFileIsCachedByItsMetadataOnly() throws IOException {
        CachingStorage cache = cache();
        byte[] content = random(200_000, 2);
        cache.store(NewFile.of(slot("a/large.mp4"), content.length, "video/mp4"), new ByteArrayInputStream(content));

        StoredObject first = found(cache, "a/large.mp4");
        StoredObject second = found(cache, "a/large.mp4");

        assertSame(first, second);
        assertTrue(second.fileRegion().isPresent(), "still sent from its file");
        assertArrayEquals(content, read(second));
        assertTrue(cache.cachedBytes() < 10_000, "its content is not held: " + cache.cachedBytes());
    }

    @Test
    void aFileDeletedBehindTheServicesBackIsSeenOnceTheTtlHasPassed() throws IOException {
        CachingStorage cache = cache();
        cache.store(NewFile.of(slot("a/f"), 10, "text/plain"), body(10));
        found(cache, "a/f");
        Files.delete(StorageLayout.storedFile(root, "a/f"));

        clock.advance(TTL.minusMillis(1));
        assertEquals(Lookup.Status.FOUND, cache.open(slot("a/f")).status(), "within the ttl");
        clock.advance(Duration.ofMillis(1));
        assertEquals(Lookup.ABSENT, cache.open(slot("a/f")), "no tombstone: it was removed by hand");
        assertEquals(0, cache.cachedBytes());
    }

    @Test
    void whatIsNotFoundIsNotCached() throws IOException {
        CachingStorage cache = cache();
        assertEquals(Lookup.ABSENT, cache.open(slot("a/later")));

        cache.store(NewFile.of(slot("a/later"), 1, "text/plain"), body(1));

        assertEquals(Lookup.Status.FOUND, cache.open(slot("a/later")).status());
    }

    // ---- the budget ------------------------------------------------------------------------------

    @Test
    void theCacheKeepsWithinItsBudget() throws IOException {
        long budget = 3000; // room for two 1000-byte files with their metadata, not three
        CachingStorage cache = cache(StorageSettings.in(root), budget, Duration.ofDays(1));
        List<String> paths = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            String path = "b/" + i;
            paths.add(path);
            cache.store(NewFile.of(slot(path), 1000, "text/plain"), body(1000));
            found(cache, path);
            assertTrue(cache.cachedBytes() <= budget, "after " + path + ": " + cache.cachedBytes());
        }
        for (String path : paths) {
            Files.delete(StorageLayout.storedFile(root, path));
        }

        int stillServed = 0;
        for (String path : paths) {
            stillServed += cache.open(slot(path)).status() == Lookup.Status.FOUND ? 1 : 0;
        }
        assertTrue(stillServed >= 1 && stillServed <= 2, stillServed + " of 6 cached with a budget for two");
    }

    @Test
    void withNoBudgetNothingIsCached() throws IOException {
        CachingStorage cache = cache(StorageSettings.in(root), 0, Duration.ofDays(1));
        cache.store(NewFile.of(slot("a/f"), 10, "text/plain"), body(10));
        assertEquals(Lookup.Status.FOUND, cache.open(slot("a/f")).status());

        Files.delete(StorageLayout.storedFile(root, "a/f"));

        assertEquals(Lookup.ABSENT, cache.open(slot("a/f")));
        assertEquals(0, cache.cachedBytes());
    }

    // ---- deletion and expiry are seen at once ------------------------------------------------------

    @Test
    void aDeletionThroughTheCacheIsSeenAtOnce() throws IOException {
        CachingStorage cache = cache(StorageSettings.in(root), CachingStorage.DEFAULT_BUDGET_BYTES, Duration.ofDays(1));
        cache.store(NewFile.of(slot("a/f"), 10, "text/plain"), body(10));
        found(cache, "a/f");

        assertTrue(cache.delete(slot("a/f")));

        assertEquals(Lookup.GONE, cache.open(slot("a/f")));
        assertFalse(cache.delete(slot("a/f")));
        assertEquals(0, cache.cachedBytes());
    }

    @Test
    void withTombstonesOffADeletionThroughTheCacheIsAbsentAtOnce() throws IOException {
        CachingStorage cache = cache(StorageSettings.in(root).withTombstoneRetention(Duration.ZERO),
                CachingStorage.DEFAULT_BUDGET_BYTES, Duration.ofDays(1));
        cache.store(NewFile.of(slot("a/f"), 10, "text/plain"), body(10));
        found(cache, "a/f");

        assertTrue(cache.delete(slot("a/f")));

        assertEquals(Lookup.ABSENT, cache.open(slot("a/f")));
    }

    @Test
    void anExpiredFileIsGoneAtOnceEvenWhenCached() throws IOException {
        CachingStorage cache = cache(StorageSettings.in(root).withExpireAfter(Duration.ofHours(1)),
                CachingStorage.DEFAULT_BUDGET_BYTES, Duration.ofDays(1));
        cache.store(NewFile.of(slot("a/by-age"), 10, "text/plain"), body(10));
        cache.store(new NewFile(slot("a/by-token"), 10, "text/plain", "u@example.com", START.plus(Duration.ofMinutes(10))), body(10));
        found(cache, "a/by-age");
        found(cache, "a/by-token");

        clock.advance(Duration.ofMinutes(10));
        assertEquals(Lookup.GONE, cache.open(slot("a/by-token")), "its own expiry, though cached for a day");
        assertEquals(Lookup.Status.FOUND, cache.open(slot("a/by-age")).status());
        clock.advance(Duration.ofMinutes(50));
        assertEquals(Lookup.GONE, cache.open(slot("a/by-age")), "expireAfter, though cached for a day");
        assertFalse(cache.delete(slot("a/by-age")), "expired counts as deleted already");
        assertThrows(FileDeletedException.class, () -> cache.store(NewFile.of(slot("a/by-age"), 1, "text/plain"), UNREADABLE));
    }

    @Test
    void theSweepPassesThroughAndDropsExpiredEntries() throws IOException {
        CachingStorage cache = cache(StorageSettings.in(root).withExpireAfter(Duration.ofHours(1)),
                CachingStorage.DEFAULT_BUDGET_BYTES, Duration.ofDays(1));
        cache.store(NewFile.of(slot("a/1"), 10, "text/plain"), body(10));
        cache.store(NewFile.of(slot("a/2"), 20, "text/plain"), body(20));
        found(cache, "a/1");
        found(cache, "a/2");
        assertTrue(cache.cachedBytes() > 0);
        clock.advance(Duration.ofHours(1));

        Storage.SweepResult result = cache.sweep();

        assertEquals(new Storage.SweepResult(2, 2L * 4096 + 30, 0, 0, 0), result);
        assertEquals(0, cache.cachedBytes());
        assertFalse(Files.exists(StorageLayout.storedFile(root, "a/1")));
    }

    @Test
    void aLookupRacingADeletionDoesNotCacheTheDeletedFile() throws IOException {
        // The deletion lands between the storage's lookup and the cache's put: the file found is
        // served to that request, but must not stay in the cache.
        LocalStorage local = LocalStorage.open(StorageSettings.in(root), clock);
        AtomicReference<CachingStorage> cacheRef = new AtomicReference<>();
        AtomicBoolean race = new AtomicBoolean();
        Storage racing = new Delegating(local) {
            @Override
            public Lookup open(SlotPath path) throws IOException {
                Lookup lookup = super.open(path);
                if (race.getAndSet(false)) {
                    assertTrue(cacheRef.get().delete(path));
                }
                return lookup;
            }
        };
        CachingStorage cache = new CachingStorage(racing, local.expiry(), clock, CachingStorage.DEFAULT_BUDGET_BYTES, Duration.ofDays(1));
        cacheRef.set(cache);
        cache.store(NewFile.of(slot("a/f"), 10, "text/plain"), body(10));

        race.set(true);
        assertEquals(Lookup.Status.FOUND, cache.open(slot("a/f")).status(), "it was there when the request came");

        assertEquals(Lookup.GONE, cache.open(slot("a/f")), "not served from the cache after its deletion");
        assertEquals(0, cache.cachedBytes());
    }

    // ---- store and close pass through --------------------------------------------------------------

    @Test
    void storePassesThroughWithItsRefusals() throws IOException {
        LocalStorage local = LocalStorage.open(StorageSettings.in(root).withMaxStorageSize(2 * 4096 + 100), clock);
        CachingStorage cache = new CachingStorage(local, local.expiry(), clock, CachingStorage.DEFAULT_BUDGET_BYTES, TTL);

        cache.store(NewFile.of(slot("a/f"), 5, "text/plain"), new ByteArrayInputStream("hello".getBytes()));

        assertEquals("hello", new String(read(local.open(slot("a/f")).file().orElseThrow())), "stored in the storage behind");
        assertThrows(AlreadyStoredException.class, () -> cache.store(NewFile.of(slot("a/f"), 5, "text/plain"), UNREADABLE));
        assertThrows(StorageFullException.class, () -> cache.store(NewFile.of(slot("a/big"), 1000, "text/plain"), UNREADABLE));
        assertThrows(IncompleteUploadException.class, () -> cache.store(NewFile.of(slot("a/short"), 10, "text/plain"), body(3)));
        assertTrue(cache.delete(slot("a/f")));
        assertThrows(FileDeletedException.class, () -> cache.store(NewFile.of(slot("a/f"), 5, "text/plain"), UNREADABLE));
    }

    @Test
    void closeEmptiesTheCacheAndClosesTheStorageBehind() throws IOException {
        LocalStorage local = LocalStorage.open(StorageSettings.in(root), clock);
        AtomicBoolean closed = new AtomicBoolean();
        CachingStorage cache = new CachingStorage(new Delegating(local) {
            @Override
            public void close() throws IOException {
                closed.set(true);
                super.close();
            }
        }, local.expiry(), clock, CachingStorage.DEFAULT_BUDGET_BYTES, TTL);
        cache.store(NewFile.of(slot("a/f"), 10, "text/plain"), body(10));
        found(cache, "a/f");

        Files.delete(StorageLayout.storedFile(root, "a/f"));

        cache.close();

        assertTrue(closed.get());
        // (LocalStorage holds nothing open, so it still answers:) the entry is no longer served.
        assertEquals(Lookup.ABSENT, cache.open(slot("a/f")));
    }

    @Test
    void storagesOpensACacheInFrontOfTheDirectory() throws IOException {
        try (Storage storage = Storages.open(StorageSettings.in(root).withExpireAfter(Duration.ofHours(1)), clock)) {
            assertTrue(storage instanceof CachingStorage, storage.getClass().getName());
            storage.store(NewFile.of(slot("a/f"), 3, "text/plain"), body(3));
            assertEquals(Lookup.Status.FOUND, storage.open(slot("a/f")).status());
            clock.advance(Duration.ofHours(1));
            assertEquals(Lookup.GONE, storage.open(slot("a/f")), "the cache shares the storage's clock and expiry");
            assertEquals(root.toString(), storage.toString());
        }
    }

    // ---- helpers ---------------------------------------------------------------------------------

    private static StoredObject found(Storage storage, String path) throws IOException {
        Lookup lookup = storage.open(slot(path));
        assertEquals(Lookup.Status.FOUND, lookup.status(), path);
        return lookup.file().orElseThrow();
    }

    private static byte[] random(int size, long seed) {
        byte[] bytes = new byte[size];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }

    /** A storage that forwards every call, for tests to override one. */
    private static class Delegating implements Storage {

        private final Storage storage;

        Delegating(Storage storage) {
            this.storage = storage;
        }

        @Override
        public void store(NewFile file, InputStream body) throws IOException {
            storage.store(file, body);
        }

        @Override
        public Lookup open(SlotPath path) throws IOException {
            return storage.open(path);
        }

        @Override
        public boolean delete(SlotPath path) throws IOException {
            return storage.delete(path);
        }

        @Override
        public SweepResult sweep() throws IOException {
            return storage.sweep();
        }

        @Override
        public StorageHealth checkHealth() {
            return storage.checkHealth();
        }

        @Override
        public void close() throws IOException {
            storage.close();
        }
    }
}
