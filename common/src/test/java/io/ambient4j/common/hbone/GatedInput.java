package io.ambient4j.common.hbone;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.concurrent.CountDownLatch;

/** Serves fixed bytes, then blocks until {@link #release()} before reporting EOF (keeps a connection open). */
final class GatedInput extends InputStream {
    private final ByteArrayInputStream bytes;
    private final CountDownLatch gate = new CountDownLatch(1);

    GatedInput(byte[] data) {
        this.bytes = new ByteArrayInputStream(data);
    }

    void release() {
        gate.countDown();
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        int n = bytes.read(b, off, len);
        if (n > 0 || len == 0) {
            return n;
        }
        try {
            gate.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return -1;
    }
}
