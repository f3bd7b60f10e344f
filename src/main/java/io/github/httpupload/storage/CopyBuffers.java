package io.github.httpupload.storage;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/** Reused 64 KiB copy buffers: no request allocates a large buffer of its own. */
final class CopyBuffers {

    static final int SIZE = 64 * 1024;
    private static final BlockingQueue<byte[]> POOL = new ArrayBlockingQueue<>(64);

    private CopyBuffers() {
    }

    static byte[] take() {
        byte[] buffer = POOL.poll();
        return buffer != null ? buffer : new byte[SIZE];
    }

    static void give(byte[] buffer) {
        POOL.offer(buffer);
    }
}
