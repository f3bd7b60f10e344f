package io.github.httpupload.storage.s3;

import io.github.httpupload.storage.IncompleteUploadException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExactLengthBodyTest {

    @Test
    void aBodyRewoundWithinTheWindowIsSentAgainByteForByteThenGoesOnFromTheClient() throws IOException {
        byte[] content = random(ExactLengthBody.REPLAY_WINDOW + 100_000);
        ExactLengthBody body = new ExactLengthBody(new ByteArrayInputStream(content), content.length);
        byte[] first = body.readNBytes(70_000);
        assertArrayEquals(Arrays.copyOf(content, 70_000), first);

        assertTrue(body.rewind());
        assertArrayEquals(content, body.readAllBytes(), "the kept start, then the rest from the client");
        assertNull(body.failure());
    }

    @Test
    void pastTheWindowNothingCanBeSentAgain() throws IOException {
        byte[] content = random(ExactLengthBody.REPLAY_WINDOW + 1);
        ExactLengthBody body = new ExactLengthBody(new ByteArrayInputStream(content), content.length);
        body.readNBytes(ExactLengthBody.REPLAY_WINDOW);
        assertTrue(body.rewind(), "exactly the window is still kept");
        body.readAllBytes();
        assertFalse(body.rewind());
    }

    @Test
    void neverMoreThanTheAnnouncedLengthAndAnEarlyEndIsTheClientsFailure() throws IOException {
        ExactLengthBody longer = new ExactLengthBody(new ByteArrayInputStream(new byte[10]), 4);
        assertEquals(4, longer.readAllBytes().length);

        ExactLengthBody shorter = new ExactLengthBody(new ByteArrayInputStream(new byte[3]), 4);
        assertThrows(IOException.class, () -> drain(shorter));
        IncompleteUploadException failure = shorter.failure();
        assertEquals("the body ended early", failure.getCause().getMessage());
        assertFalse(shorter.rewind(), "a body the client broke is not sent again");
    }

    private static void drain(InputStream in) throws IOException {
        in.transferTo(new ByteArrayOutputStream());
    }

    private static byte[] random(int size) {
        byte[] bytes = new byte[size];
        new Random(7).nextBytes(bytes);
        return bytes;
    }
}
