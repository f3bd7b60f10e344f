package io.github.httpupload.web;

import io.github.httpupload.auth.TokenProtocol;
import io.github.httpupload.testsupport.ChildServer;
import io.github.httpupload.testsupport.RawHttp;
import io.github.httpupload.testsupport.SmallFileSystem;
import io.github.httpupload.testsupport.TestServer;
import io.github.httpupload.testsupport.Tokens;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * A disk that fills up during an upload is {@code 507} whatever language the C library speaks:
 * the server runs with {@code LANG=de_DE.UTF-8}, where ENOSPC reads "Auf dem Gerät ist kein
 * Speicherplatz mehr verfügbar" (matching the English text made this a 500). Needs root for the
 * tmpfs and the de_DE.UTF-8 locale (.ci/run generates it); skipped, saying which, without them.
 */
class TranslatedFullDiskTest {

    private static final String SECRET = "translated full disk secret";
    private static final String GERMAN = "de_DE.UTF-8";

    @TempDir
    Path dir;

    @Test
    void aDiskThatFillsDuringTheUploadIs507InGermanToo() throws Exception {
        Assumptions.assumeTrue(germanIsInstalled(), "the " + GERMAN + " locale is not installed (localedef -i de_DE -f UTF-8 "
                + GERMAN + ")");
        try (SmallFileSystem disk = SmallFileSystem.mount(dir.resolve("disk"), 8)) {
            Assumptions.assumeTrue(disk.unavailableBecause() == null, disk.unavailableBecause());
            Path storage = disk.path().resolve("storage");
            byte[] content = new byte[2 * 1024 * 1024];
            new Random(4).nextBytes(content);
            String path = "4a771ac1/full.bin";
            String target = TestServer.CONTEXT + "/" + path + "?v=" + new Tokens(SECRET).sign(TokenProtocol.V, path, content.length, null);

            try (ChildServer server = ChildServer.start(storage, SECRET, dir.resolve("server.log"),
                    Map.of("LANG", GERMAN, "LC_ALL", GERMAN));
                 Socket upload = new Socket(InetAddress.getLoopbackAddress(), server.port())) {
                OutputStream out = upload.getOutputStream();
                out.write(("PUT " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + content.length + "\r\n\r\n")
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.write(content, 0, content.length / 4);
                out.flush();
                awaitTemporaryFile(storage);
                // Admitted while there was room; now someone else takes all of it.
                Path filler = fillUp(disk.path().resolve("filler"));
                RawHttp.Response refused;
                try {
                    out.write(content, content.length / 4, content.length - content.length / 4);
                    out.flush();
                } catch (IOException closedEarly) {
                    // the server may answer and close before the rest is sent; its answer is still readable
                }
                refused = RawHttp.Response.read(upload.getInputStream(), false);

                UploadContract.assertPlainTextError(507, refused);
                assertEquals(List.of(), temporaryFiles(storage), "nothing partial is kept");
                assertEquals(404, RawHttp.request("GET", TestServer.CONTEXT + "/" + path).send(server.port()).status());
                assertFalse(Files.readString(dir.resolve("server.log")).contains("SEVERE"), "a full disk is no internal error");

                Files.delete(filler);
                RawHttp.Response retry = RawHttp.request("PUT", target).body(content).send(server.port());
                assertEquals(201, retry.status(), retry.text());
                assertArrayEquals(content, RawHttp.request("GET", TestServer.CONTEXT + "/" + path).send(server.port()).body());
            }
        }
    }

    /** Whether this machine can speak German to the child: the locale, and glibc's German messages. */
    private static boolean germanIsInstalled() throws Exception {
        Process locales = new ProcessBuilder("locale", "-a").redirectErrorStream(true).start();
        String installed;
        try (InputStream in = locales.getInputStream()) {
            installed = new String(in.readAllBytes(), StandardCharsets.UTF_8).toLowerCase();
        }
        locales.waitFor();
        return installed.lines().anyMatch(l -> l.equals("de_de.utf8") || l.equals("de_de.utf-8"))
                && Files.exists(Path.of("/usr/share/locale/de/LC_MESSAGES/libc.mo"));
    }

    /** Writes {@code file} until the file system has no byte left. */
    private static Path fillUp(Path file) throws IOException {
        ByteBuffer block = ByteBuffer.allocate(64 * 1024);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            while (true) {
                block.clear();
                channel.write(block);
            }
        } catch (IOException full) {
            if (Files.getFileStore(file).getUsableSpace() > 64 * 1024) {
                throw full;
            }
        }
        return file;
    }

    private static void awaitTemporaryFile(Path storage) throws Exception {
        for (int attempt = 0; attempt < 400; attempt++) {
            if (!temporaryFiles(storage).isEmpty()) {
                return;
            }
            Thread.sleep(25);
        }
        throw new AssertionError("the upload never reached the storage");
    }

    private static List<Path> temporaryFiles(Path storage) throws IOException {
        try (Stream<Path> files = Files.list(storage.resolve("tmp"))) {
            return files.toList();
        }
    }
}
