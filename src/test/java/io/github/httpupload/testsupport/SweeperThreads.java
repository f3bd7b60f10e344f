package io.github.httpupload.testsupport;

import io.github.httpupload.storage.Sweeper;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The live expiry-sweeper threads of one store (they are named after it: its directory, or its bucket and endpoint). */
public final class SweeperThreads {

    private SweeperThreads() {
    }

    public static List<Thread> alive(Path storage) {
        return alive(storage.toString());
    }

    public static Thread awaitOne(Path storage) throws InterruptedException {
        return awaitOne(storage.toString());
    }

    /** {@code storeName}: how the service names the store, e.g. {@link StorageBackend.Store#name()}. */
    public static List<Thread> alive(String storeName) {
        String name = Sweeper.THREAD_NAME + " " + storeName;
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name) && t.isAlive()).toList();
    }

    /** The one sweeper thread; its start is asynchronous, so this polls for up to 5 s. */
    public static Thread awaitOne(String storeName) throws InterruptedException {
        List<Thread> threads = alive(storeName);
        for (int attempt = 0; attempt < 100 && threads.size() != 1; attempt++) {
            Thread.sleep(50);
            threads = alive(storeName);
        }
        assertEquals(1, threads.size(), threads + " among " + Thread.getAllStackTraces().keySet());
        return threads.get(0);
    }
}
