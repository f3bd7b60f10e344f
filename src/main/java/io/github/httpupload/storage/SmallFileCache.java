package io.github.httpupload.storage;

import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Small stored files kept in memory, so serving one costs no file system call (Tomcat's
 * DefaultServlet caches small resources the same way). Stored files never change; the only way a
 * cached copy goes stale is a deletion behind the service's back (a cron job), so entries live
 * for a few seconds only. When over budget, arbitrary entries are dropped: small files are cheap
 * to read again.
 */
final class SmallFileCache {

    private record Entry(StoredFile file, long expiresAt) {
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();
    private final long maxBytes;
    private final long ttlNanos;

    SmallFileCache(long maxBytes, long ttlNanos) {
        this.maxBytes = maxBytes;
        this.ttlNanos = ttlNanos;
    }

    /** The cached file, or {@code null} when absent or older than the time to live. */
    StoredFile get(String slotPath) {
        Entry entry = entries.get(slotPath);
        if (entry == null) {
            return null;
        }
        if (System.nanoTime() - entry.expiresAt > 0) {
            remove(slotPath, entry);
            return null;
        }
        return entry.file;
    }

    /** Caches a memory-backed file whose whole content is {@link StoredFile#prefetched()}. */
    void put(String slotPath, StoredFile file) {
        Entry previous = entries.put(slotPath, new Entry(file, System.nanoTime() + ttlNanos));
        bytes.addAndGet(weight(file) - (previous == null ? 0 : weight(previous.file)));
        for (Iterator<String> keys = entries.keySet().iterator(); bytes.get() > maxBytes && keys.hasNext(); ) {
            String key = keys.next();
            Entry victim = entries.get(key);
            if (victim != null) {
                remove(key, victim);
            }
        }
    }

    private void remove(String slotPath, Entry entry) {
        if (entries.remove(slotPath, entry)) {
            bytes.addAndGet(-weight(entry.file));
        }
    }

    private static long weight(StoredFile file) {
        return file.contentOffset() + file.size() + 2L * file.slotPath().length();
    }
}
