package io.ambient4j.common.relay;

import io.ambient4j.common.net.NonBlockingSocket;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongConsumer;

/**
 * Copies bytes both ways between two connections (app socket, HBONE stream, upstream socket) until both
 * directions end, the way ztunnel's proxy and Netty's proxy examples do: one thread per
 * direction; the next chunk is read only after the previous write completed (so at most one chunk per
 * direction is ever buffered and a slow reader slows the writer down); EOF on one side becomes a
 * half-close ({@code shutdownOutput}) on the other, so server-first and request/response protocols keep
 * working; when both directions are done, or either fails, both sides are closed.
 */
public final class Relay {

    /** Bytes read per chunk and direction. */
    public static final int CHUNK_SIZE = 16 * 1024;

    /**
     * A direction starts with a buffer this small and grows it (×8, up to its chunk size) only when a read fills it:
     * an idle connection is blocked in {@code read} holding its buffer, so a thousand idle tunnels would otherwise
     * hold a thousand full-size buffers per direction.
     */
    static final int INITIAL_BUFFER = 2048;

    private static final System.Logger LOG = System.getLogger(Relay.class.getName());

    private Relay() {}

    /**
     * What one relayed connection carried. {@code error} is the first I/O failure (for example a reset),
     * or null when both directions ended with EOF.
     */
    public record Result(long aToB, long bToA, IOException error) {
        public boolean clean() {
            return error == null;
        }
    }

    /** One end of a relay: a blocking byte stream that can be half-closed. */
    public interface Side extends Closeable {

        /** Reads at least one byte, or returns -1 at EOF. */
        int read(byte[] buffer, int offset, int length) throws IOException;

        /** Writes all bytes before returning. */
        void write(byte[] buffer, int offset, int length) throws IOException;

        /** Signals EOF to the peer while still reading from it. */
        void shutdownOutput() throws IOException;

        /** True if {@link #tryWrite} can take bytes without blocking (else it always takes none). */
        default boolean canTryWrite() {
            return false;
        }

        /**
         * Writes what the side can take right now without blocking, possibly nothing, and returns how many bytes
         * that was. May be called from a thread other than the relay's, but never concurrently with {@link #write}
         * (a {@link Pushing} source orders the two).
         */
        default int tryWrite(byte[] buffer, int offset, int length) throws IOException {
            return 0;
        }

        /**
         * A source whose producer hands its bytes to the destination itself when the destination can take them
         * without blocking (an HBONE stream's connection reader), so a small message needs no wake-up of the relay
         * thread; the relay thread only writes what the producer had to leave queued.
         */
        interface Pushing extends Side {
            /**
             * Delivers every byte up to EOF into {@code to}, through {@link Side#tryWrite} where possible and
             * {@link Side#write} for the rest, reporting each delivered amount to {@code delivered}. Returns at EOF.
             */
            void pushTo(Side to, LongConsumer delivered) throws IOException;
        }

        /**
         * A destination that takes its source's bytes itself as they arrive: an HBONE stream's connection has one
         * thread wait on the readiness of all its tunnels' sockets, read and frame what came, so a small message
         * needs no wake-up of a relay thread (see {@code SendLoop}).
         */
        interface Pulling extends Side {
            /**
             * Sends every byte {@code from} delivers up to its EOF (not the EOF itself), reporting each amount sent
             * to {@code delivered}; returns at that EOF, throws why it ended before. Blocks the caller meanwhile.
             */
            void pullFrom(NonBlockingSocket from, LongConsumer delivered) throws IOException;
        }

        /** The socket under this side, when a {@link Pulling} destination may read it directly; else empty. */
        default Optional<NonBlockingSocket> nonBlockingSocket() {
            return Optional.empty();
        }

        /** The relay saw this side's EOF without calling {@link #read} (a {@link Pulling} destination read it). */
        default void readEnded() {}

        static Side of(SocketChannel channel) {
            return new Sides.ChannelSide(channel);
        }

        static Side of(Socket socket) throws IOException {
            return new Sides.SocketSide(socket);
        }

        /**
         * A stream pair, e.g. an HBONE CONNECT stream: {@code halfClose} ends our direction (END_STREAM),
         * {@code close} tears everything down.
         */
        static Side of(InputStream in, OutputStream out, Closeable halfClose, Closeable close) {
            return new Sides.StreamSide(in, out, halfClose, close);
        }
    }

    public static Result relay(SocketChannel a, SocketChannel b) throws InterruptedException {
        return relay(Side.of(a), Side.of(b));
    }

    public static Result relay(Socket a, Socket b) throws IOException, InterruptedException {
        return relay(Side.of(a), Side.of(b));
    }

    /**
     * Relays until both directions have ended, then closes both sides. Blocks the caller, which copies
     * b to a itself while a virtual thread copies a to b. If the caller is interrupted both sides are closed.
     */
    public static Result relay(Side a, Side b) throws InterruptedException {
        return relay(a, b, CHUNK_SIZE, CHUNK_SIZE);
    }

    /**
     * As {@link #relay(Side, Side)}, reading at most {@code chunkAToB} / {@code chunkBToA} bytes per chunk. A side
     * that writes into TLS (an HBONE stream) should get its {@code preferredWriteSize()}, so each chunk leaves as
     * whole TLS records: the default 16 KiB chunk becomes two records per DATA frame (hbone-notes §3a).
     */
    public static Result relay(Side a, Side b, int chunkAToB, int chunkBToA) throws InterruptedException {
        if (chunkAToB <= 0 || chunkBToA <= 0) {
            throw new IllegalArgumentException("chunk sizes must be positive");
        }
        AtomicReference<IOException> firstError = new AtomicReference<>();
        Direction forward = new Direction(a, b, chunkAToB, firstError, () -> abort(a, b));
        Direction backward = new Direction(b, a, chunkBToA, firstError, () -> abort(a, b));
        // b -> a runs on the caller's thread: one thread fewer per relayed connection (a parked virtual thread's
        // stack lives on the heap, so this is memory per idle tunnel as well as one hand-off less).
        Thread t1 = Thread.ofVirtual().name("relay-a-to-b").start(forward);
        try {
            backward.run();
            t1.join();
        } catch (InterruptedException e) {
            abort(a, b);
            t1.join();
            throw e;
        } finally {
            closeQuietly(a);
            closeQuietly(b);
        }
        return new Result(forward.bytes(), backward.bytes(), firstError.get());
    }

    private static void abort(Side a, Side b) {
        closeQuietly(a);
        closeQuietly(b);
    }

    static void closeQuietly(Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, "relay: close failed: {0}", e.toString());
        }
    }

    /** One direction: read a chunk, write it fully, repeat; at EOF half-close the destination. */
    private static final class Direction implements Runnable {
        private final Side from;
        private final Side to;
        private final AtomicReference<IOException> firstError;
        private final Runnable abort;
        private final int chunk;
        private final AtomicLong bytes = new AtomicLong();

        Direction(Side from, Side to, int chunk, AtomicReference<IOException> firstError, Runnable abort) {
            this.from = from;
            this.to = to;
            this.chunk = chunk;
            this.firstError = firstError;
            this.abort = abort;
        }

        long bytes() {
            return bytes.get();
        }

        @Override
        public void run() {
            try {
                if (from instanceof Side.Pushing pushing && to.canTryWrite()) {
                    pushing.pushTo(to, bytes::addAndGet);
                    to.shutdownOutput();
                    return;
                }
                Optional<NonBlockingSocket> socket = from.nonBlockingSocket();
                if (to instanceof Side.Pulling pulling && socket.isPresent()) {
                    pulling.pullFrom(socket.get(), bytes::addAndGet);
                    from.readEnded();
                    to.shutdownOutput();
                    return;
                }
                byte[] buffer = new byte[Math.min(chunk, INITIAL_BUFFER)];
                int n;
                while ((n = from.read(buffer, 0, buffer.length)) >= 0) {
                    to.write(buffer, 0, n);
                    bytes.addAndGet(n);
                    if (n == buffer.length && buffer.length < chunk) {
                        buffer = new byte[(int) Math.min(chunk, buffer.length * 8L)];
                    }
                }
                to.shutdownOutput();
            } catch (IOException e) {
                // The first failure wins; the other direction then fails only because we closed it.
                if (firstError.compareAndSet(null, e)) {
                    abort.run();
                }
            }
        }
    }
}
