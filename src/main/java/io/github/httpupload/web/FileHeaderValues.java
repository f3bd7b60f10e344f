package io.github.httpupload.web;

import io.github.httpupload.storage.StoredObject;

import java.util.concurrent.ConcurrentHashMap;

/**
 * The header values of a download that depend only on the stored file (its entity tag and its
 * {@code Content-Disposition}), worked out once per file object rather than on every request. The
 * storage's cache hands out the same object for a file while it keeps it, so a hit reuses them; a
 * file read again gets new ones. Over {@value #MAX_ENTRIES} files it starts again from empty:
 * recomputing is cheap, and the map stays bounded whatever names clients ask for.
 */
final class FileHeaderValues {

    static final int MAX_ENTRIES = 10_000;

    record Values(StoredObject file, String etag, String contentDisposition) {
    }

    private final ConcurrentHashMap<String, Values> bySlotPath = new ConcurrentHashMap<>();

    Values of(StoredObject file) {
        Values values = bySlotPath.get(file.slotPath());
        if (values != null && values.file() == file) {
            return values;
        }
        values = new Values(file, DownloadHeaders.etag(file), DownloadHeaders.contentDisposition(file));
        if (bySlotPath.size() >= MAX_ENTRIES) {
            bySlotPath.clear();
        }
        bySlotPath.put(file.slotPath(), values);
        return values;
    }
}
