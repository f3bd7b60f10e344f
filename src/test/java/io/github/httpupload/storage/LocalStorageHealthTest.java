package io.github.httpupload.storage;

import io.github.httpupload.testsupport.Chattr;
import io.github.httpupload.testsupport.TestClock;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The local directory's health probe: a file in tmp/ written, read back and deleted. */
class LocalStorageHealthTest {

    @TempDir
    Path dir;
    private LocalStorage storage;

    @BeforeEach
    void open() throws IOException {
        storage = LocalStorage.open(StorageSettings.in(dir), TestClock.startingNow());
    }

    @Test
    void aWritableDirectoryIsHealthyAndTheProbeLeavesNothingBehind() throws IOException {
        List<String> before = contents();
        assertTrue(storage.checkHealth().healthy());
        assertEquals(before, contents());
    }

    @Test
    void anImmutableTemporaryAreaIsNotWritableAndTheReasonNamesNoPath() throws Exception {
        Path tmp = dir.resolve("tmp");
        Chattr.immutable(tmp);
        StorageHealth health;
        try {
            health = storage.checkHealth();
        } finally {
            Chattr.mutable(tmp);
        }
        assertEquals(StorageHealth.State.NOT_WRITABLE, health.state());
        assertEquals("storage not writable", health.reason());
        assertFalse(health.reason().contains(dir.toString()));
        assertTrue(health.detail().contains("tmp"), "the log detail says what failed: " + health.detail());
        assertTrue(storage.checkHealth().healthy(), "healthy again once writable");
        assertEquals(List.of(), Files.list(tmp).toList());
    }

    @Test
    void theCachingStorageAsksTheDirectoryEveryTime() throws Exception {
        CachingStorage cached = new CachingStorage(storage, storage.expiry(), TestClock.startingNow(), 1024, java.time.Duration.ofHours(1));
        assertTrue(cached.checkHealth().healthy());
        Path tmp = dir.resolve("tmp");
        Chattr.immutable(tmp);
        try {
            assertFalse(cached.checkHealth().healthy());
        } finally {
            Chattr.mutable(tmp);
        }
    }

    private List<String> contents() throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.map(Path::toString).sorted().toList();
        }
    }
}
