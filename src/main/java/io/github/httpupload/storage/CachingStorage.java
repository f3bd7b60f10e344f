package io.github.httpupload.storage;

import io.github.httpupload.auth.SlotPath;

import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Remembers recently served files in front of any {@link Storage}: the metadata of every one and
 * the whole content of small ones, so that a hit costs no storage call at all (Tomcat's
 * DefaultServlet caches resources the same way). Stored files never change, so an entry goes stale
 * only by a deletion: this storage's own deletions drop it, expiry is checked on every hit, and
 * for a deletion behind the service's back (a cron job) entries live {@code ttl} only. Over
 * budget, arbitrary entries are dropped; they are cheap to read again.
 */
public final class CachingStorage implements Storage {

    /** Content up to this size is kept in memory. */
    static final int SMALL_FILE = 64 * 1024;
    public static final long DEFAULT_BUDGET_BYTES = 32L * 1024 * 1024;
    public static final Duration DEFAULT_TTL = Duration.ofSeconds(5);

    private record Entry(StoredObject file, long weight, Instant staleAt) {
    }

    private final Storage storage;
    private final ExpiryPolicy expiry;
    private final Clock clock;
    private final long budgetBytes;
    private final Duration ttl;
    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();
    /** Counts deletions, so that a lookup racing a deletion does not cache the deleted file. */
    private final AtomicLong deletions = new AtomicLong();

    public CachingStorage(Storage storage, ExpiryPolicy expiry, Clock clock, long budgetBytes, Duration ttl) {
        this.storage = storage;
        this.expiry = expiry;
        this.clock = clock;
        this.budgetBytes = budgetBytes;
        this.ttl = ttl;
    }

    @Override
    public Lookup open(SlotPath path) throws IOException {
        Entry entry = entries.get(path.value());
        if (entry != null) {
            if (!clock.instant().isBefore(entry.staleAt()) || expiry.isExpired(entry.file().deleteAt())) {
                remove(path.value(), entry);
            } else {
                return Lookup.found(entry.file());
            }
        }
        long deletionsBefore = deletions.get();
        Lookup lookup = storage.open(path);
        if (lookup.status() != Lookup.Status.FOUND) {
            return lookup;
        }
        StoredObject file = lookup.file().orElseThrow();
        StoredObject cached = file.size() <= SMALL_FILE ? InMemoryObject.copyOf(file) : file;
        put(path.value(), cached);
        // A deletion since the lookup may have removed the entry before it was put: drop it.
        // (This request still serves what it found; it was there when the request came.)
        if (deletions.get() != deletionsBefore) {
            forget(path.value());
        }
        return Lookup.found(cached);
    }

    @Override
    public void store(NewFile file, InputStream body) throws IOException {
        storage.store(file, body);
    }

    @Override
    public boolean delete(SlotPath path) throws IOException {
        try {
            return storage.delete(path);
        } finally {
            deletions.incrementAndGet(); // before the removal: see open()
            forget(path.value());
        }
    }

    @Override
    public SweepResult sweep() throws IOException {
        SweepResult result = storage.sweep();
        Instant now = clock.instant();
        entries.forEach((key, entry) -> {
            if (!now.isBefore(entry.staleAt()) || expiry.isExpired(entry.file().deleteAt())) {
                remove(key, entry);
            }
        });
        return result;
    }

    /** Always the backing storage's: a cache hit proves nothing about it. */
    @Override
    public StorageHealth checkHealth() {
        return storage.checkHealth();
    }

    @Override
    public Optional<Totals> liveTotals() {
        return storage.liveTotals();
    }

    @Override
    public void close() throws IOException {
        entries.clear();
        storage.close();
    }

    /** How many bytes the cached entries are counted as (content plus a fixed overhead each). */
    long cachedBytes() {
        return bytes.get();
    }

    private void put(String key, StoredObject file) {
        long weight = 256 + 2L * (file.slotPath().length() + file.contentType().length())
                + (file instanceof InMemoryObject memory ? memory.contentBytes() : 0);
        Entry entry = new Entry(file, weight, clock.instant().plus(ttl));
        Entry previous = entries.put(key, entry);
        bytes.addAndGet(entry.weight() - (previous == null ? 0 : previous.weight()));
        for (Iterator<String> keys = entries.keySet().iterator(); bytes.get() > budgetBytes && keys.hasNext(); ) {
            String victim = keys.next();
            Entry victimEntry = entries.get(victim);
            if (victimEntry != null) {
                remove(victim, victimEntry);
            }
        }
    }

    private void forget(String key) {
        Entry entry = entries.get(key);
        if (entry != null) {
            remove(key, entry);
        }
    }

    private void remove(String key, Entry entry) {
        if (entries.remove(key, entry)) {
            bytes.addAndGet(-entry.weight());
        }
    }

    @Override
    public String toString() {
        return storage.toString();
    }
}
