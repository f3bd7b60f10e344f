package io.github.httpupload.storage;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Runs {@link Storage#sweep} on one background thread ({@value #THREAD_NAME} and the storage, for
 * thread dumps): at start, then every {@code interval} after the previous sweep ended. One per
 * webapp, started and {@link #close() closed} by its listener; closing waits for the thread to
 * end, so an undeploy or redeploy leaves none behind (Tomcat would report it as a leak, and it
 * would pin the old webapp's class loader).
 */
public final class Sweeper implements AutoCloseable {

    public static final String THREAD_NAME = "httpupload-sweeper";
    private static final System.Logger LOG = System.getLogger(Sweeper.class.getName());
    private static final long STOP_WAIT_SECONDS = 10;

    private final Storage storage;
    private final Observer observer;
    private final ScheduledExecutorService executor;
    /** The executor's one thread, joined on close: its termination is signalled a moment before the thread ends. */
    private volatile Thread worker;

    /**
     * Told of every sweep's outcome, on the sweeper thread (the web layer's metrics), so that this
     * package needs nothing from the layers above it. Must be quick and must not throw.
     */
    public interface Observer {

        Observer NONE = new Observer() {
            @Override
            public void sweepFinished(Storage.SweepResult result, long durationMillis) {
            }

            @Override
            public void sweepFailed(long durationMillis) {
            }
        };

        /** A sweep ended normally after {@code durationMillis}. */
        void sweepFinished(Storage.SweepResult result, long durationMillis);

        /** A sweep failed after {@code durationMillis} (not told when it was interrupted by a stop). */
        void sweepFailed(long durationMillis);
    }

    private Sweeper(Storage storage, Duration interval, Observer observer) {
        this.storage = storage;
        this.observer = observer;
        this.executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, THREAD_NAME + " " + storage);
            thread.setDaemon(true); // never keeps a JVM alive on its own
            worker = thread;
            return thread;
        });
        executor.scheduleWithFixedDelay(this::sweepOnce, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    public static Sweeper start(Storage storage, Duration interval) {
        return start(storage, interval, Observer.NONE);
    }

    public static Sweeper start(Storage storage, Duration interval, Observer observer) {
        return new Sweeper(storage, interval, observer);
    }

    private void sweepOnce() {
        long started = System.nanoTime();
        try {
            Storage.SweepResult result = storage.sweep();
            observer.sweepFinished(result, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            Level level = result.deleted() + result.tombstonesPurged() > 0 ? Level.INFO : Level.DEBUG;
            LOG.log(level, "Sweep: deleted {0} expired file(s) ({1} bytes), purged {2} tombstone(s); {3} file(s), {4} bytes stored",
                    result.deleted(), result.deletedBytes(), result.tombstonesPurged(), result.kept(), result.keptBytes());
        } catch (Exception e) {
            // An exception would cancel every later sweep: log it and try again next time.
            if (!Thread.currentThread().isInterrupted()) {
                observer.sweepFailed(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
                LOG.log(Level.WARNING, "Sweep failed; trying again at the next interval", e);
            }
        }
    }

    /** Stops the sweeps, interrupting one in progress, and waits until the thread has ended. */
    @Override
    public void close() {
        executor.shutdownNow();
        try {
            Thread thread = worker;
            if (!executor.awaitTermination(STOP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                LOG.log(Level.WARNING, "The sweeper thread did not stop within {0} seconds", STOP_WAIT_SECONDS);
            } else if (thread != null) {
                thread.join(TimeUnit.SECONDS.toMillis(STOP_WAIT_SECONDS));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
