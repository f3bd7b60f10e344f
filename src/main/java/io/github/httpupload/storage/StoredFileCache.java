package io.github.httpupload.storage;

import java.nio.ByteBuffer;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What {@link FileStore#open} learned about recently served files: the header and size of every
 * one, and the whole content of small ones. A hit costs no file system call; Tomcat's
 * DefaultServlet caches resources the same way. Stored files never change, so the only way an
 * entry goes stale is a deletion: the store's own deletions remove the entry, and for one
 * behind the service's back (a cron job) entries live a few seconds only. When over budget, arbitrary entries are dropped; they are cheap to read again.
 */
final class StoredFileCache {

    /**
     * @param content the whole content of a small file, else empty (read from disk when served)
     */
    record Entry(FileHeader header, long fileSize, ByteBuffer content, long expiresAt) {

        long weight() {
            return 256 + 2L * (header.slotPath().length() + header.contentType().length()) + content.capacity();
        }
    }

    private final ConcurrentHashMap<String, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();
    private final long maxBytes;
    private final long ttlNanos;

    StoredFileCache(long maxBytes, long ttlNanos) {
        this.maxBytes = maxBytes;
        this.ttlNanos = ttlNanos;
    }

    /** The cached entry, or {@code null} when absent or older than the time to live. */
    Entry get(String slotPath) {
        Entry entry = entries.get(slotPath);
        if (entry != null && System.nanoTime() - entry.expiresAt > 0) {
            remove(slotPath, entry);
            return null;
        }
        return entry;
    }

    Entry put(String slotPath, FileHeader header, long fileSize, ByteBuffer content) {
        Entry entry = new Entry(header, fileSize, content, System.nanoTime() + ttlNanos);
        Entry previous = entries.put(slotPath, entry);
        bytes.addAndGet(entry.weight() - (previous == null ? 0 : previous.weight()));
        for (Iterator<String> keys = entries.keySet().iterator(); bytes.get() > maxBytes && keys.hasNext(); ) {
            String key = keys.next();
            Entry victim = entries.get(key);
            if (victim != null) {
                remove(key, victim);
            }
        }
        return entry;
    }

    /** Forgets {@code slotPath}: its file was deleted. */
    void remove(String slotPath) {
        Entry entry = entries.get(slotPath);
        if (entry != null) {
            remove(slotPath, entry);
        }
    }

    /** Drops every entry past its time to live (a lookup drops only the one it finds). */
    void purgeExpired() {
        long now = System.nanoTime();
        entries.forEach((slotPath, entry) -> {
            if (now - entry.expiresAt > 0) {
                remove(slotPath, entry);
            }
        });
    }

    private void remove(String slotPath, Entry entry) {
        if (entries.remove(slotPath, entry)) {
            bytes.addAndGet(-entry.weight());
        }
    }
}
