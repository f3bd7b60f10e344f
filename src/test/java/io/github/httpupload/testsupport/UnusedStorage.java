package io.github.httpupload.testsupport;

import io.github.httpupload.auth.SlotPath;
import io.github.httpupload.storage.Lookup;
import io.github.httpupload.storage.NewFile;
import io.github.httpupload.storage.Storage;
import io.github.httpupload.storage.StorageHealth;

import java.io.InputStream;

/**
 * A storage for tests of code that must not touch files: every operation throws, so a test fails
 * loudly if the code under test does more than it should. Subclasses override what they expect.
 * {@link #liveTotals()} keeps its default (empty): a store that counts only by listing, as S3.
 */
public class UnusedStorage implements Storage {

    @Override
    public void store(NewFile file, InputStream body) {
        throw new UnsupportedOperationException("store");
    }

    @Override
    public Lookup open(SlotPath path) {
        throw new UnsupportedOperationException("open");
    }

    @Override
    public boolean delete(SlotPath path) {
        throw new UnsupportedOperationException("delete");
    }

    @Override
    public SweepResult sweep() {
        throw new UnsupportedOperationException("sweep");
    }

    @Override
    public StorageHealth checkHealth() {
        throw new UnsupportedOperationException("checkHealth");
    }

    @Override
    public void close() {
    }
}
