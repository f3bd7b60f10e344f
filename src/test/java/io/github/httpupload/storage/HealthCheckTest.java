package io.github.httpupload.storage;

import io.github.httpupload.testsupport.TestClock;
import io.github.httpupload.testsupport.UnusedStorage;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The once-a-second rule, proved by counting the storage's probes under a clock that only the test moves. */
class HealthCheckTest {

    private static final StorageHealth DOWN = StorageHealth.unhealthy(StorageHealth.State.UNREACHABLE, new Exception("down"));

    private final TestClock clock = TestClock.at(Instant.parse("2026-01-01T00:00:00Z"));
    private final ProbedStorage storage = new ProbedStorage();
    private final HealthCheck check = new HealthCheck(storage, clock);

    @Test
    void manyQuestionsWithinOneSecondCostOneProbe() {
        for (int i = 0; i < 1000; i++) {
            assertTrue(check.health().healthy());
            clock.advance(Duration.ofNanos(999_000)); // 1000 questions span 999 ms
        }
        assertEquals(1, storage.probes.get());
    }

    @Test
    void theResultIsReusedFor999MillisecondsAndRefreshedAtOneSecond() {
        check.health();
        clock.advance(Duration.ofMillis(999));
        check.health();
        assertEquals(1, storage.probes.get());
        clock.advance(Duration.ofMillis(1));
        check.health();
        assertEquals(2, storage.probes.get());
    }

    @Test
    void aFailureIsReportedUntilTheNextProbeFindsTheStorageBack() {
        storage.answer.set(DOWN);
        assertSame(DOWN, check.health());
        storage.answer.set(StorageHealth.HEALTHY);
        assertSame(DOWN, check.health(), "within the second the last result stands");
        clock.advance(Duration.ofSeconds(1));
        assertSame(StorageHealth.HEALTHY, check.health());
        assertEquals(2, storage.probes.get());
    }

    @Test
    void aClockSetBackMakesTheResultStaleNotFreshForLonger() {
        check.health();
        clock.advance(Duration.ofHours(-1));
        check.health();
        check.health();
        assertEquals(2, storage.probes.get(), "one probe after the step back, then the new result is fresh");
    }

    /** While one caller waits for a slow probe, the others answer the last result at once. */
    @Test
    void whileOneCallerProbesTheOthersAnswerTheLastResultWithoutWaiting() throws Exception {
        storage.answer.set(DOWN);
        check.health();
        clock.advance(Duration.ofSeconds(1));
        storage.answer.set(StorageHealth.HEALTHY);
        CountDownLatch probing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        storage.block(probing, release);
        ExecutorService threads = Executors.newFixedThreadPool(9);
        try {
            Future<StorageHealth> prober = threads.submit(check::health);
            assertTrue(probing.await(10, TimeUnit.SECONDS));
            List<Future<StorageHealth>> others = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                others.add(threads.submit(check::health));
            }
            for (Future<StorageHealth> other : others) {
                assertSame(DOWN, other.get(10, TimeUnit.SECONDS), "answered while the probe is still running");
            }
            release.countDown();
            assertSame(StorageHealth.HEALTHY, prober.get(10, TimeUnit.SECONDS));
        } finally {
            release.countDown();
            threads.shutdownNow();
        }
        assertEquals(2, storage.probes.get());
    }

    /** A probe that hangs (a silent store) must not leave the last "ok" standing for minutes. */
    @Test
    void aProbeRunningPastTheDeadlineMakesTheOthersAnswerNotAnswering() throws Exception {
        check.health();
        clock.advance(Duration.ofSeconds(1));
        CountDownLatch probing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        storage.block(probing, release);
        ExecutorService threads = Executors.newSingleThreadExecutor();
        try {
            Future<StorageHealth> prober = threads.submit(check::health);
            assertTrue(probing.await(10, TimeUnit.SECONDS));
            clock.advance(Duration.ofMillis(HealthCheck.PROBE_DEADLINE_MILLIS - 1));
            assertSame(StorageHealth.HEALTHY, check.health(), "within the deadline the last result stands");
            clock.advance(Duration.ofMillis(1));
            StorageHealth overdue = check.health();
            assertEquals(StorageHealth.State.NOT_ANSWERING, overdue.state());
            assertEquals("storage not answering", overdue.reason());
            release.countDown();
            assertSame(StorageHealth.HEALTHY, prober.get(10, TimeUnit.SECONDS));
            // a result's age counts from its probe's start: after a 5 s probe the next caller probes again
            assertSame(StorageHealth.HEALTHY, check.health());
        } finally {
            release.countDown();
            threads.shutdownNow();
        }
        assertEquals(3, storage.probes.get());
    }

    /** With no result yet there is nothing to answer: the first callers wait for the one probe. */
    @Test
    void concurrentFirstCallersShareOneProbe() throws Exception {
        CountDownLatch probing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        storage.block(probing, release);
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<StorageHealth>> callers = new ArrayList<>();
            for (int i = 0; i < 8; i++) {
                callers.add(threads.submit(check::health));
            }
            assertTrue(probing.await(10, TimeUnit.SECONDS));
            release.countDown();
            for (Future<StorageHealth> caller : callers) {
                assertSame(StorageHealth.HEALTHY, caller.get(10, TimeUnit.SECONDS));
            }
        } finally {
            release.countDown();
            threads.shutdownNow();
        }
        assertEquals(1, storage.probes.get());
    }

    /** Counts health probes and answers what the test set; can hold a probe until released. Nothing else is called. */
    private static final class ProbedStorage extends UnusedStorage {

        final AtomicInteger probes = new AtomicInteger();
        final AtomicReference<StorageHealth> answer = new AtomicReference<>(StorageHealth.HEALTHY);
        private volatile CountDownLatch probing;
        private volatile CountDownLatch release;

        /** The next probes signal {@code probing} and wait for {@code release}. */
        void block(CountDownLatch probing, CountDownLatch release) {
            this.probing = probing;
            this.release = release;
        }

        @Override
        public StorageHealth checkHealth() {
            probes.incrementAndGet();
            if (probing != null) {
                probing.countDown();
                try {
                    release.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return answer.get();
        }
    }
}
