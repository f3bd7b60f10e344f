package io.github.httpupload.web;

import io.github.httpupload.auth.TokenProtocol;
import io.github.httpupload.testsupport.ChildServer;
import io.github.httpupload.testsupport.RawHttp;
import io.github.httpupload.testsupport.TestServer;
import io.github.httpupload.testsupport.Tokens;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The server is killed with SIGKILL in the middle of an upload. After a restart nothing partial is
 * served, the unfinished upload's temporary file is gone (and only it: other files in tmp/ stay),
 * and the same PUT URL succeeds.
 */
class CrashRecoveryTest {

    private static final String SECRET = "crash secret";

    @TempDir
    Path dir;

    @Test
    void aServerKilledMidUploadRecoversCleanly() throws Exception {
        Path storage = dir.resolve("storage");
        String path = "4a771ac1-f0b2-4a4a-9700-f2a26fa2bb67/half.bin";
        byte[] content = new byte[4 * 1024 * 1024];
        new java.util.Random(9).nextBytes(content);
        String target = TestServer.CONTEXT + "/" + path + "?v=" + new Tokens(SECRET).sign(TokenProtocol.V, path, content.length, null);

        try (ChildServer first = ChildServer.start(storage, SECRET, dir.resolve("first.log"));
             Socket upload = new Socket(InetAddress.getLoopbackAddress(), first.port())) {
            OutputStream out = upload.getOutputStream();
            out.write(("PUT " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + content.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.write(content, 0, content.length / 2);
            out.flush();
            awaitTemporaryFiles(storage, 1);
            first.kill();
        }
        Path foreign = Files.writeString(storage.resolve("tmp").resolve("not-ours.txt"), "an operator's note");
        assertEquals(2, temporaryFiles(storage).size(), "the killed upload left its temporary file");

        try (ChildServer second = ChildServer.start(storage, SECRET, dir.resolve("second.log"))) {
            assertEquals(List.of(foreign), temporaryFiles(storage), "only our unfinished upload was swept");
            assertEquals(404, RawHttp.request("GET", TestServer.CONTEXT + "/" + path).send(second.port()).status());

            RawHttp.Response retry = RawHttp.request("PUT", target).body(content).send(second.port());

            assertEquals(201, retry.status(), retry.text());
            assertArrayEquals(content, RawHttp.request("GET", TestServer.CONTEXT + "/" + path).send(second.port()).body());
        }
    }

    private static List<Path> temporaryFiles(Path storage) throws IOException {
        try (Stream<Path> files = Files.list(storage.resolve("tmp"))) {
            return files.toList();
        }
    }

    /** Waits, boundedly, until the server has started writing the upload to tmp/. */
    private static void awaitTemporaryFiles(Path storage, int count) throws Exception {
        for (int attempt = 0; attempt < 400; attempt++) {
            if (Files.isDirectory(storage.resolve("tmp")) && temporaryFiles(storage).size() >= count) {
                return;
            }
            Thread.sleep(25);
        }
        fail("the upload never reached tmp/");
    }
}
