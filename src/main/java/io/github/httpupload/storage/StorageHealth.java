package io.github.httpupload.storage;

/**
 * What a storage's health probe found. {@link #reason()} is the one line a health endpoint may show
 * anyone (no path, no bucket, no exception text); {@link #detail()} is for the server log only.
 *
 * @param state  healthy, or what failed
 * @param detail why, for the log (the exception); empty when healthy
 */
public record StorageHealth(State state, String detail) {

    /** The answers a probe can give, each with its public one-line reason. */
    public enum State {
        HEALTHY("ok"),
        /** The local directory refused a write, a read-back or a delete. */
        NOT_WRITABLE("storage not writable"),
        /** The object store did not answer (connection refused, timed out, unknown host). */
        UNREACHABLE("storage unreachable"),
        /** The object store answered with an error (5xx, a refused credential, no such bucket). */
        FAILING("storage failing"),
        /** A probe has been running longer than {@link HealthCheck#PROBE_DEADLINE_MILLIS}: the storage hangs. */
        NOT_ANSWERING("storage not answering");

        private final String reason;

        State(String reason) {
            this.reason = reason;
        }
    }

    public static final StorageHealth HEALTHY = new StorageHealth(State.HEALTHY, "");

    public static StorageHealth unhealthy(State state, Throwable cause) {
        if (state == State.HEALTHY) {
            throw new IllegalArgumentException("a failure cannot be healthy");
        }
        return new StorageHealth(state, String.valueOf(cause));
    }

    public boolean healthy() {
        return state == State.HEALTHY;
    }

    /** The public one-line answer: {@code ok}, or what failed, never why. */
    public String reason() {
        return state.reason;
    }
}
