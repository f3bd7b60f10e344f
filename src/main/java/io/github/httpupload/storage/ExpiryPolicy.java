package io.github.httpupload.storage;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * When a stored file is deleted, for every backend: at its own expiry (a Bearer token's
 * {@code expires}) or {@code expireAfter} after its upload, whichever comes first. From that
 * instant on the file is gone for readers and writers alike; the sweep only reclaims its space.
 */
public final class ExpiryPolicy {

    private final Duration expireAfter;
    private final Clock clock;

    /** @param expireAfter {@code null}: files do not expire by age */
    public ExpiryPolicy(Duration expireAfter, Clock clock) {
        this.expireAfter = expireAfter;
        this.clock = clock;
    }

    /** When a file stored at {@code storedAt} with its own {@code expiresAt} (or {@code null}) is deleted; {@code null}: never. */
    public Instant deleteAt(Instant storedAt, Instant expiresAt) {
        if (expireAfter == null) {
            return expiresAt;
        }
        Instant byAge = storedAt.plus(expireAfter);
        return expiresAt == null || byAge.isBefore(expiresAt) ? byAge : expiresAt;
    }

    /** Whether {@code deleteAt} has come. */
    public boolean isExpired(Optional<Instant> deleteAt) {
        return deleteAt.isPresent() && !now().isBefore(deleteAt.get());
    }

    public Instant now() {
        return clock.instant();
    }
}
