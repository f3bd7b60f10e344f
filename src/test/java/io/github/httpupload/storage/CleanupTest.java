package io.github.httpupload.storage;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@link Cleanup#delete}: a clean-up that fails never replaces the error that made it necessary
 * (regression: a failing delete of the temporary file in a {@code finally} hid the real
 * StorageFullException or IncompleteUploadException). A failure is made real here: a non-empty
 * directory cannot be deleted, even by root.
 */
class CleanupTest {

    @TempDir
    Path root;

    @Test
    void deletesAFile() throws IOException {
        Path file = Files.writeString(root.resolve("a.part"), "x");

        Cleanup.delete(file, null);

        assertFalse(Files.exists(file));
    }

    @Test
    void aMissingFileIsNoError() {
        assertDoesNotThrow(() -> Cleanup.delete(root.resolve("never.part"), null));
        IOException original = new IOException("original");
        assertDoesNotThrow(() -> Cleanup.delete(root.resolve("never.part"), original));
        assertEquals(0, original.getSuppressed().length);
    }

    @Test
    void aFailedDeletionIsAddedToTheStorageFullExceptionThatMadeItNecessary() throws IOException {
        Path undeletable = undeletable();
        StorageFullException original = new StorageFullException("the disk is full", new IOException("ENOSPC"));

        assertDoesNotThrow(() -> Cleanup.delete(undeletable, original));

        assertEquals(1, original.getSuppressed().length);
        assertInstanceOf(DirectoryNotEmptyException.class, original.getSuppressed()[0]);
        assertEquals("the disk is full", original.getMessage(), "the real error is unchanged");
        assertTrue(Files.exists(undeletable));
    }

    @Test
    void aFailedDeletionIsAddedToTheIncompleteUploadExceptionThatMadeItNecessary() throws IOException {
        Path undeletable = undeletable();
        IncompleteUploadException original = new IncompleteUploadException(4, 10, null);

        Cleanup.delete(undeletable, original);

        assertEquals(1, original.getSuppressed().length);
        assertInstanceOf(DirectoryNotEmptyException.class, original.getSuppressed()[0]);
    }

    @Test
    void aFailedDeletionIsAddedToAnUncheckedFailureToo() throws IOException {
        Path undeletable = undeletable();
        RuntimeException original = new IllegalStateException("bug");

        Cleanup.delete(undeletable, original);

        assertInstanceOf(DirectoryNotEmptyException.class, original.getSuppressed()[0]);
    }

    @Test
    void withNoErrorToKeepTheFailedDeletionIsThrown() throws IOException {
        Path undeletable = undeletable();

        DirectoryNotEmptyException e = assertThrows(DirectoryNotEmptyException.class, () -> Cleanup.delete(undeletable, null));

        assertEquals(undeletable.toString(), e.getFile());
    }

    @Test
    void theOriginalIsNeverReplaced() throws IOException {
        Path undeletable = undeletable();
        IOException original = new IOException("original");
        IOException thrown = null;
        try {
            try {
                throw original;
            } finally {
                Cleanup.delete(undeletable, original);
            }
        } catch (IOException e) {
            thrown = e;
        }

        assertSame(original, thrown);
    }

    private Path undeletable() throws IOException {
        Path directory = Files.createDirectory(root.resolve("0b9c7c62-3a4e-4a2f-9a51-6c0e3f7f1d2e.part"));
        Files.writeString(directory.resolve("occupant"), "x");
        return directory;
    }
}
