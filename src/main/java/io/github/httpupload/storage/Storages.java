package io.github.httpupload.storage;

import io.github.httpupload.config.ConfigException;
import io.github.httpupload.config.Parameters;
import io.github.httpupload.storage.s3.S3Storage;

import java.io.IOException;
import java.time.Clock;

/** Opens the storage the settings describe, with the small-file cache in front. */
public final class Storages {

    private Storages() {
    }

    /** @throws ConfigException the storage cannot be used; the message names the parameter and value */
    public static Storage open(StorageSettings settings, Clock clock) {
        if (settings.s3().isPresent()) {
            S3Storage s3 = S3Storage.open(settings, clock); // fails with a message naming the parameter
            return new CachingStorage(s3, s3.expiry(), clock, CachingStorage.DEFAULT_BUDGET_BYTES, CachingStorage.DEFAULT_TTL);
        }
        try {
            LocalStorage local = LocalStorage.open(settings, clock);
            return new CachingStorage(local, local.expiry(), clock, CachingStorage.DEFAULT_BUDGET_BYTES, CachingStorage.DEFAULT_TTL);
        } catch (IOException | RuntimeException e) {
            throw new ConfigException("Invalid configuration parameter [" + Parameters.STORAGE_DIR + "] value ["
                    + settings.storageDir() + "]: the directory cannot be created or written, or does not support hard links ("
                    + e + ")", e);
        }
    }
}
