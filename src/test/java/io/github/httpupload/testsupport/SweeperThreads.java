package io.github.httpupload.testsupport;

import io.github.httpupload.storage.Sweeper;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The live expiry-sweeper threads of the store at a storage directory (they are named after it). */
public final class SweeperThreads {

    private SweeperThreads() {
    }

    public static List<Thread> alive(Path storage) {
        String name = Sweeper.THREAD_NAME + " " + storage;
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name) && t.isAlive()).toList();
    }

    /** The one sweeper thread; its start is asynchronous, so this polls for up to 5 s. */
    public static Thread awaitOne(Path storage) throws InterruptedException {
        List<Thread> threads = alive(storage);
        for (int attempt = 0; attempt < 100 && threads.size() != 1; attempt++) {
            Thread.sleep(50);
            threads = alive(storage);
        }
        assertEquals(1, threads.size(), threads + " among " + Thread.getAllStackTraces().keySet());
        return threads.get(0);
    }
}
