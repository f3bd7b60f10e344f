package io.github.httpupload.web;

import io.github.httpupload.config.Parameters;
import io.github.httpupload.testsupport.TempDirs;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/** Two instances over one local directory (as on a shared NFS mount). */
class LocalSeveralInstancesTest extends SeveralInstancesContract {

    private Path sandbox;

    @Override
    Map<String, String> sharedStore() throws Exception {
        sandbox = Files.createTempDirectory("several-instances");
        return Map.of(Parameters.STORAGE_DIR, sandbox.resolve("storage").toString());
    }

    @Override
    void deleteStore() throws Exception {
        TempDirs.delete(sandbox);
    }
}
