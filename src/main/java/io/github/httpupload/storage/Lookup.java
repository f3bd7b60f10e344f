package io.github.httpupload.storage;

import java.util.Optional;

/** The answer of {@link Storage#open}: a stored file, a deleted one that is remembered (410), or nothing (404). */
public record Lookup(Status status, Optional<StoredObject> file) {

    public enum Status { FOUND, GONE, ABSENT }

    public static final Lookup GONE = new Lookup(Status.GONE, Optional.empty());
    public static final Lookup ABSENT = new Lookup(Status.ABSENT, Optional.empty());

    public static Lookup found(StoredObject file) {
        return new Lookup(Status.FOUND, Optional.of(file));
    }
}
