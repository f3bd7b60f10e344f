package io.github.httpupload.web;

import io.github.httpupload.storage.StoredObject;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.time.Instant;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;

class FileHeaderValuesTest {

    private static StoredObject file(String slotPath, String type, long storedAtMillis, long size) {
        return new StoredObject() {
            public String slotPath() { return slotPath; }
            public String contentType() { return type; }
            public Instant storedAt() { return Instant.ofEpochMilli(storedAtMillis); }
            public long size() { return size; }
            public Optional<Instant> deleteAt() { return Optional.empty(); }
            public Optional<String> uploader() { return Optional.empty(); }
            public void writeTo(OutputStream out, long start, long end) { }
        };
    }

    @Test
    void theSameFileObjectGetsTheValuesWorkedOutForItOnce() {
        FileHeaderValues values = new FileHeaderValues();
        StoredObject photo = file("u/abc/photo.jpg", "image/jpeg", 0x1000, 0x20);
        FileHeaderValues.Values first = values.of(photo);
        assertEquals("\"1000-20\"", first.etag());
        assertEquals("inline; filename=\"photo.jpg\"; filename*=UTF-8''photo.jpg", first.contentDisposition());
        assertSame(first, values.of(photo));
    }

    @Test
    void anotherObjectForTheSamePathIsWorkedOutAgain() {
        FileHeaderValues values = new FileHeaderValues();
        values.of(file("u/abc/report.pdf", "application/pdf", 1, 2));
        // Deleted and uploaded again: the same slot path, another file.
        FileHeaderValues.Values again = values.of(file("u/abc/report.pdf", "application/pdf", 3, 4));
        assertEquals("\"3-4\"", again.etag());
        assertEquals("attachment; filename=\"report.pdf\"; filename*=UTF-8''report.pdf", again.contentDisposition());
    }

    @Test
    void staysBoundedWhateverIsAskedFor() {
        FileHeaderValues values = new FileHeaderValues();
        StoredObject first = file("u/0/first.txt", "text/plain", 1, 1);
        FileHeaderValues.Values firstValues = values.of(first);
        for (int i = 1; i <= FileHeaderValues.MAX_ENTRIES; i++) {
            values.of(file("u/" + i + "/f.txt", "text/plain", 1, 1));
        }
        assertNotSame(firstValues, values.of(first), "the map started again from empty when it was full");
        assertEquals(firstValues, values.of(first), "and the values are the same as before");
    }
}
