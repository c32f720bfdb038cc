package io.ambient4j.common.hbone;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * Sends the frames the connection reader must answer with (SETTINGS/PING ACKs, RST_STREAM, GOAWAY,
 * early 400s, window credit) on its own virtual thread, so the reader never blocks on a full socket
 * buffer: two peers whose readers both wait to write would otherwise deadlock. Frames queued together
 * leave in one write.
 */
final class ControlWriter {
    private static final byte[] CLOSE = new byte[0];
    private static final int MAX_BATCH = 256;

    private final LinkedBlockingQueue<byte[]> queue = new LinkedBlockingQueue<>();
    private final ReentrantLock writeLock;
    private final OutputStream out;
    private final Runnable closeTransport;
    private final Consumer<IOException> onFailure;
    private Thread thread;

    ControlWriter(ReentrantLock writeLock, OutputStream out, Runnable closeTransport, Consumer<IOException> onFailure) {
        this.writeLock = writeLock;
        this.out = out;
        this.closeTransport = closeTransport;
        this.onFailure = onFailure;
    }

    void start(String name) {
        thread = Thread.ofVirtual().name("hbone-control-" + name).start(this::run);
    }

    void send(byte[] frames) {
        queue.add(frames);
    }

    /** Writes what is queued, then closes the transport. */
    void close() {
        queue.add(CLOSE);
    }

    /** Frames not yet written: a peer that floods PING/SETTINGS while not reading shows up here. */
    int backlog() {
        return queue.size();
    }

    /** Waits up to {@code timeout} for the queue to drain after {@link #close()}, then stops the thread. */
    void awaitExit(Duration timeout) {
        Thread t = thread;
        if (t == null || t == Thread.currentThread()) {
            return;
        }
        try {
            t.join(timeout);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        t.interrupt(); // a virtual thread blocked in a socket write is released by closing it
    }

    private void run() {
        List<byte[]> batch = new ArrayList<>();
        try {
            while (true) {
                batch.clear();
                batch.add(queue.take());
                queue.drainTo(batch, MAX_BATCH);
                int total = 0;
                boolean close = false;
                for (byte[] f : batch) {
                    total += f.length;
                    close |= f == CLOSE;
                }
                if (total > 0) {
                    byte[] all = new byte[total];
                    int off = 0;
                    for (byte[] f : batch) {
                        System.arraycopy(f, 0, all, off, f.length);
                        off += f.length;
                    }
                    writeLock.lock();
                    try {
                        out.write(all);
                        out.flush();
                    } finally {
                        writeLock.unlock();
                    }
                }
                if (close) {
                    closeTransport.run();
                    return;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            onFailure.accept(e);
        }
    }
}
