package io.github.httpupload.testsupport;

import java.io.InputStream;

/**
 * {@code size} bytes of a repeating, non-trivial pattern, generated on the fly: large bodies
 * without holding them, and the same bytes again from a new instance (to check a prefix).
 */
public final class PatternStream extends InputStream {
    private long remaining;
    private int state = 17;

    public PatternStream(long size) {
        remaining = size;
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) {
        if (remaining == 0) {
            return -1;
        }
        int n = (int) Math.min(length, remaining);
        for (int i = 0; i < n; i++) {
            state = state * 1103515245 + 12345;
            buffer[offset + i] = (byte) (state >>> 24);
        }
        remaining -= n;
        return n;
    }
}
