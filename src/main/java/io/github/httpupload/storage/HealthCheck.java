package io.github.httpupload.storage;

import java.lang.System.Logger.Level;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A storage's health, asked of the storage at most once per {@link #MAX_AGE_MILLIS}: a monitor
 * polling {@code /healthz} in a tight loop (or many of them) costs one probe a second, not one per
 * request. One caller at a time probes; while it does, the others answer the last result at once
 * instead of queueing behind a probe that may wait for a store's timeout, until the probe has run
 * for {@link #PROBE_DEADLINE_MILLIS}: from then on they answer "not answering", so a storage that
 * hangs (a silent S3 endpoint, a hard NFS mount) is not reported healthy for minutes. Only the very
 * first callers, with no result yet, wait for the probe, and no longer than the deadline. Changes of
 * state are logged with their cause, which the HTTP answer never shows.
 */
public final class HealthCheck {

    static final long MAX_AGE_MILLIS = 1000;
    /** How long a probe may run before the storage counts as hanging (well under a balancer's check timeout). */
    static final long PROBE_DEADLINE_MILLIS = 5000;
    private static final StorageHealth HANGING = new StorageHealth(StorageHealth.State.NOT_ANSWERING,
            "a probe has been running for more than " + PROBE_DEADLINE_MILLIS + " ms");
    private static final System.Logger LOG = System.getLogger(HealthCheck.class.getName());

    /** A probe's result and when the probe started (by {@link #clock}). */
    private record Checked(StorageHealth health, long atMillis) {
    }

    private final Storage storage;
    private final Clock clock;
    private final ReentrantLock probing = new ReentrantLock();
    private volatile Checked last;
    /** When the running probe started (by {@link #clock}); meaningless while none runs. */
    private volatile long probeStartedAt;
    private volatile boolean hangLogged;

    public HealthCheck(Storage storage, Clock clock) {
        this.storage = storage;
        this.clock = clock;
    }

    public StorageHealth health() {
        Checked checked = last;
        if (fresh(checked)) {
            return checked.health();
        }
        if (!acquire(checked)) {
            // another caller is probing: its answer stands in for the last one until the deadline
            return checked != null && clock.millis() - probeStartedAt < PROBE_DEADLINE_MILLIS
                    ? checked.health() : hanging();
        }
        try {
            checked = last;
            if (fresh(checked)) {
                return checked.health(); // probed by the caller this one waited for
            }
            long startedAt = clock.millis();
            probeStartedAt = startedAt;
            hangLogged = false;
            StorageHealth health = storage.checkHealth();
            logChange(checked, health);
            last = new Checked(health, startedAt);
            return health;
        } finally {
            probing.unlock();
        }
    }

    /** The probe lock: at once when there is a last result to fall back on, else within the deadline. */
    private boolean acquire(Checked checked) {
        if (checked != null) {
            return probing.tryLock();
        }
        try {
            return probing.tryLock(PROBE_DEADLINE_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private StorageHealth hanging() {
        if (!hangLogged) {
            hangLogged = true;
            LOG.log(Level.WARNING, "Health check: {0} ({1}): {2}", HANGING.reason(), storage, HANGING.detail());
        }
        return HANGING;
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
