package io.github.httpupload.storage;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A storage's health, asked of the storage at most once per {@link #MAX_AGE_MILLIS}: a monitor
 * polling {@code /healthz} in a tight loop (or many of them) costs one probe a second, not one per
 * request. One caller at a time probes; while it does, the others answer the last result at once
 * instead of queueing behind a probe that may wait for a store's timeout. Only the very first
 * callers, with no result yet, wait for it. Changes of state are logged with their cause, which the
 * HTTP answer never shows.
 */
public final class HealthCheck {

    static final long MAX_AGE_MILLIS = 1000;
    private static final System.Logger LOG = System.getLogger(HealthCheck.class.getName());

    /** A probe's result and when the probe started (by {@link #clock}). */
    private record Checked(StorageHealth health, long atMillis) {
    }

    private final Storage storage;
    private final Clock clock;
    private final ReentrantLock probing = new ReentrantLock();
    private volatile Checked last;

    public HealthCheck(Storage storage, Clock clock) {
        this.storage = storage;
        this.clock = clock;
    }

    public StorageHealth health() {
        Checked checked = last;
        if (fresh(checked)) {
            return checked.health();
        }
        if (checked != null && !probing.tryLock()) {
            return checked.health(); // another caller is probing: its answer is at most moments away
        }
        if (checked == null) {
            probing.lock();
        }
        try {
            checked = last;
            if (fresh(checked)) {
                return checked.health(); // probed by the caller this one waited for
            }
            long startedAt = clock.millis();
            StorageHealth health = storage.checkHealth();
            logChange(checked, health);
            last = new Checked(health, startedAt);
            return health;
        } finally {
            probing.unlock();
        }
    }

    /** Younger than {@link #MAX_AGE_MILLIS}; a clock set back makes a result stale, never fresh for longer. */
    private boolean fresh(Checked checked) {
        if (checked == null) {
            return false;
        }
        long age = clock.millis() - checked.atMillis();
        return age >= 0 && age < MAX_AGE_MILLIS;
    }

    private void logChange(Checked before, StorageHealth now) {
        boolean wasHealthy = before == null || before.health().healthy();
        if (!now.healthy() && (wasHealthy || before.health().state() != now.state())) {
            LOG.log(Level.WARNING, "Health check: {0} ({1}): {2}", now.reason(), storage, now.detail());
        } else if (now.healthy() && !wasHealthy) {
            LOG.log(Level.INFO, "Health check: {0} is healthy again", storage);
        }
    }
}
