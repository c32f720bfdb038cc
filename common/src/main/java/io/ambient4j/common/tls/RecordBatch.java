package io.ambient4j.common.tls;

import java.io.IOException;

/**
 * A scope in which the TLS records the JDK seals for one large application write leave the process in one
 * {@code write} syscall instead of one each.
 *
 * <p>Why: {@code SSLSocket} hands every record (at most 16 KiB of data) to its TCP stream on its own and flushes it,
 * so a 64 KiB HTTP/2 DATA frame became four writes, four loopback segments and four wake-ups of the peer's reader.
 * In a bulk transfer most of a ztunnel's CPU is the kernel's (perf, bench/RESULTS.md "TLS records per syscall").
 * Inside {@link #write}, a {@link RecordSocket}'s output stream keeps the records it is handed and sends them together
 * when the scope ends. Outside one, it writes through at once: a small message is never held back.
 *
 * <p>A scoped value, not a parameter: the records reach {@link RecordSocket} from inside the JDK's
 * {@code SSLSocket}, which has no way to pass anything along, and the scope belongs to the writing thread only.
 */
public final class RecordBatch {
    private static final ScopedValue<RecordBatch> CURRENT = ScopedValue.newInstance();

    private RecordSocket.RecordOutput joined;

    private RecordBatch() {}

    /** A write whose bytes may go out in one batch. */
    @FunctionalInterface
    public interface Write {
        void run() throws IOException;
    }

    /** Runs {@code write} (e.g. one large {@code SSLSocket} write), then sends the records it produced together. */
    public static void write(Write write) throws IOException {
        RecordBatch batch = new RecordBatch();
        ScopedValue.where(CURRENT, batch).call(() -> {
            write.run();
            return null;
        });
        batch.flush();
    }

    /** The batch of the calling thread's current {@link #write} scope, or null. */
    static RecordBatch current() {
        return CURRENT.isBound() ? CURRENT.get() : null;
    }

    /**
     * Whether {@code out} may keep its bytes until this batch ends: the first stream written in a batch joins it; a
     * second one (not seen in practice: a batch writes one socket) writes through.
     */
    boolean join(RecordSocket.RecordOutput out) {
        if (joined == null) {
            joined = out;
            return true;
        }
        return joined == out;
    }

    private void flush() throws IOException {
        if (joined != null) {
            joined.sendPending();
        }
    }
}
