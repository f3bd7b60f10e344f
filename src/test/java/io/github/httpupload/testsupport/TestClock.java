package io.github.httpupload.testsupport;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock that stands still until a test moves it ({@link #advance}, {@link #set}), so expiry and
 * retention are tested without waiting. Thread-safe: a sweep or request on another thread sees
 * each move at once. Clocks derived with {@link #withZone} share the same instant.
 */
public final class TestClock extends Clock {

    private final AtomicReference<Instant> now;
    private final ZoneId zone;

    private TestClock(AtomicReference<Instant> now, ZoneId zone) {
        this.now = now;
        this.zone = zone;
    }

    /** A clock at {@code start}, in UTC. */
    public static TestClock at(Instant start) {
        return new TestClock(new AtomicReference<>(start), ZoneOffset.UTC);
    }

    /** A clock at the current real time, truncated to milliseconds (what a file header keeps). */
    public static TestClock startingNow() {
        return at(Instant.ofEpochMilli(System.currentTimeMillis()));
    }

    /** Moves the clock forward (or, with a negative amount, back) by {@code amount}; returns the new instant. */
    public Instant advance(Duration amount) {
        return now.updateAndGet(instant -> instant.plus(amount));
    }

    public void set(Instant instant) {
        now.set(instant);
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public long millis() {
        return instant().toEpochMilli();
    }

    @Override
    public ZoneId getZone() {
        return zone;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return new TestClock(now, zone);
    }

    @Override
    public String toString() {
        return "TestClock[" + instant() + ", " + zone + "]";
    }
}
