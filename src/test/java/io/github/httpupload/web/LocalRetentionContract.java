package io.github.httpupload.web;

import io.github.httpupload.auth.TokenProtocol;
import io.github.httpupload.config.Parameters;
import io.github.httpupload.testsupport.RawHttp;
import io.github.httpupload.testsupport.RawHttp.Response;
import io.github.httpupload.testsupport.StorageBackend;
import io.github.httpupload.testsupport.TestServer;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.util.Map;

import static io.github.httpupload.web.UploadContract.newSlot;
import static io.github.httpupload.web.UploadContract.url;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Retention on the local directory, plus its storage limits: maxStorageSize and minFreeSpace
 * (507 before the body). With S3 the service refuses both parameters. Subclasses say the container.
 */
abstract class LocalRetentionContract extends RetentionContract {

    /** A small file's size on disk: the 4 KiB header page plus its bytes. */
    private static final int HEADER = 4096;

    @Override
    final StorageBackend backend() {
        return StorageBackend.LOCAL;
    }

    @Test
    void anUploadThatWouldExceedMaxStorageSizeIs507BeforeItsBodyAndFitsAgainAfterADelete() throws Exception {
        StorageBackend.Store store = newStore("max-storage");
        int size = 10_000;
        try (TestServer server = start(store, Map.of(
                Parameters.MAX_STORAGE_SIZE, Integer.toString(3 * (HEADER + size) - 1),
                Parameters.DELETE_SECRET, DELETE_SECRET))) {
            String first = newSlot() + "/1.bin";
            assertEquals(201, v2Put(server, first, new byte[size]).status());
            assertEquals(201, v2Put(server, newSlot() + "/2.bin", new byte[size]).status());

            String third = newSlot() + "/3.bin";
            // Only the head is sent: an answer at all proves the body was not waited for.
            Response full = RawHttp.request("PUT", url(third) + "?v=" + tokens.sign(TokenProtocol.V, third, size, null))
                    .header("Content-Length", size).send(server.port());
            UploadContract.assertPlainTextError(507, full);
            store.assertNothingPartial();

            assertEquals(204, RawHttp.request("DELETE", url(first) + "?token=" + tokens.deleteToken(first, DELETE_SECRET))
                    .send(server.port()).status());
            assertEquals(201, v2Put(server, third, new byte[size]).status());
        }
    }

    @Test
    void anUploadThatWouldLeaveLessThanMinFreeSpaceIs507BeforeItsBody() throws Exception {
        long wholeDisk = Files.getFileStore(sandbox()).getTotalSpace();
        StorageBackend.Store store = newStore("min-free");
        try (TestServer server = start(store, Map.of(Parameters.MIN_FREE_SPACE, Long.toString(wholeDisk)))) {
            String path = newSlot() + "/any.bin";
            Response put = RawHttp.request("PUT", url(path) + "?v=" + tokens.sign(TokenProtocol.V, path, 1, null))
                    .header("Content-Length", 1).send(server.port());

            UploadContract.assertPlainTextError(507, put);
            store.assertNothingPartial();
        }
    }
}
