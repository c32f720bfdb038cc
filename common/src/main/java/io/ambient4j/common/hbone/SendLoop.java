package io.ambient4j.common.hbone;

import io.ambient4j.common.net.Epoll;
import io.ambient4j.common.net.NetException;
import io.ambient4j.common.net.NonBlockingSocket;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;

/**
 * The application-to-HBONE half of one HTTP/2 connection's tunnels whose source is a plain socket: one platform
 * thread waits on an {@link Epoll} set for all of those sockets, reads what arrived and writes it out as DATA frames
 * itself.
 *
 * <p>Why: a relay's virtual thread blocked in {@code read} is woken through the JDK's poller thread and then a
 * carrier thread, two hand-offs per message; for small request/response traffic they were the largest share of the
 * latency a ztunnel pair adds (bench/RESULTS.md). Here the kernel wakes the thread that writes the frame. One loop per
 * connection, not per node: the thread blocks when TCP pushes back on the connection's TLS socket, and then only this
 * connection's tunnels wait, which share that socket anyway.
 *
 * <p>Flow control: a tunnel whose stream or connection window is exhausted keeps what it read, stops watching its
 * socket (so the application is slowed by its own socket buffer, as with a blocked writer) and is retried when a
 * WINDOW_UPDATE or SETTINGS raises a window; the connection's other tunnels keep flowing.
 */
final class SendLoop {
    private static final System.Logger LOG = System.getLogger(SendLoop.class.getName());
    private static final int MAX_EVENTS = 64;
    /** Frames one tunnel may send per wake-up before the others get their turn. */
    private static final int FRAMES_PER_TURN = 4;
    /**
     * The read buffer starts this small and grows (to one TLS record's DATA frame, then to a whole frame) only when a
     * read fills it, and shrinks back once no tunnel is left: request/response traffic never needs the 64 KiB a bulk
     * transfer does.
     */
    static final int INITIAL_PAYLOAD = 2048;

    private final H2Connection conn;
    private final Epoll epoll;
    private final NonBlockingSocket.ReceiveState receiveState = new NonBlockingSocket.ReceiveState();
    private final Map<Long, Pull> pulls = new ConcurrentHashMap<>();
    private final AtomicLong nextToken = new AtomicLong(1);
    private volatile HboneException closedCause;
    private volatile boolean windowRaised;

    // Loop thread only.
    private final List<Pull> stalled = new ArrayList<>();
    private byte[] buffer = new byte[Frames.HEADER_LENGTH + INITIAL_PAYLOAD];

    private SendLoop(H2Connection conn, Epoll epoll) {
        this.conn = conn;
        this.epoll = epoll;
    }

    /** Opens the epoll set and starts the loop's platform thread. */
    static SendLoop start(H2Connection conn, String name) throws HboneException {
        Epoll set;
        try {
            set = Epoll.open(MAX_EVENTS);
        } catch (NetException e) {
            throw HboneException.closed("cannot open the HBONE send loop: " + e.getMessage(), e);
        }
        SendLoop loop = new SendLoop(conn, set);
        Thread.ofPlatform().daemon().name("hbone-sender-" + name).start(loop::run);
        return loop;
    }

    /**
     * Sends everything {@code src} delivers, up to its EOF (which it does not forward), on {@code stream}, reporting
     * each amount sent to {@code delivered}. Blocks the caller until then; throws why it ended early (a reset, the
     * stream or connection failing, the source closed).
     */
    void pull(HboneStream stream, NonBlockingSocket src, LongConsumer delivered) throws IOException {
        long token = nextToken.getAndIncrement();
        Pull p = new Pull(token, stream, src, delivered);
        pulls.put(token, p);
        HboneException closed = closedCause;
        if (closed != null) {
            p.complete(closed);
        } else {
            stream.attach(p);
            if (!p.isDone()) {
                try {
                    src.register(
                            epoll, token, () -> p.complete(HboneException.closed("application socket closed", null)));
                } catch (NetException e) {
                    p.complete(e);
                }
                if (p.isDone()) {
                    // Ended (e.g. a reset) before the registration took effect: a readable socket nobody reads would
                    // wake a level-triggered set forever.
                    src.deregister();
                }
            }
        }
        p.await();
    }

    /** A window grew (the reader, after a WINDOW_UPDATE or SETTINGS): stalled tunnels try again. */
    void windowRaised() {
        windowRaised = true;
        epoll.wakeup();
    }

    /** Ends the loop: every tunnel still pulled fails with {@code cause}. */
    void close(HboneException cause) {
        if (closedCause == null) {
            closedCause = cause;
            epoll.wakeup();
        }
    }

    private void run() {
        try {
            while (closedCause == null) {
                turn();
            }
        } catch (NetException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "hbone send loop failed: {0}", e.toString());
            HboneException failed = HboneException.closed("HBONE send loop failed: " + e.getMessage(), e);
            closedCause = failed;
            Thread.ofVirtual().start(() -> conn.shutdown(failed));
        } finally {
            HboneException cause = closedCause;
            // Every socket leaves the set before the set's descriptor is closed.
            for (Pull p : List.copyOf(pulls.values())) {
                p.complete(cause);
            }
            epoll.close();
            receiveState.close();
        }
    }

    /**
     * One wait and everything it found. A method of its own, called once per wake-up, so that the JIT compiles the
     * data path as an ordinary method that every connection's loop runs at once: written inline in {@link #run()}'s
     * loop, it was only compiled on-stack (OSR) per running loop, late, and each deoptimisation sent the whole loop
     * back to the interpreter until a new OSR compile was done, ~100 ms in which every tunnel on the connection was
     * slow (bench/RESULTS.md, "latency tail under more load").
     */
    private void turn() throws NetException {
        int n = epoll.await(-1);
        for (int i = 0; i < n; i++) {
            long token = epoll.token(i);
            Pull p = token == Epoll.WAKE_TOKEN ? null : pulls.get(token);
            if (p != null) {
                onReadable(p);
            }
        }
        if (windowRaised) {
            windowRaised = false;
            retryStalled();
        }
        if (pulls.isEmpty() && buffer.length > Frames.HEADER_LENGTH + INITIAL_PAYLOAD) {
            buffer = new byte[Frames.HEADER_LENGTH + INITIAL_PAYLOAD];
        }
    }

    /** Reads and frames what arrived, up to {@link #FRAMES_PER_TURN} frames; stalls the tunnel when out of window. */
    private void onReadable(Pull p) {
        for (int f = 0; f < FRAMES_PER_TURN; f++) {
            int max = Math.min(conn.dataPayloadSize(), buffer.length - Frames.HEADER_LENGTH);
            int n;
            int sent;
            try {
                n = p.src.tryReceive(receiveState, buffer, Frames.HEADER_LENGTH, max);
                if (n == 0) {
                    return;
                }
                if (n == NonBlockingSocket.EOF) {
                    p.complete(null);
                    return;
                }
                sent = p.stream.trySendData(buffer, n);
            } catch (IOException e) {
                p.complete(e);
                return;
            }
            p.sent(sent);
            if (sent < n) {
                p.keep(buffer, Frames.HEADER_LENGTH + sent, n - sent);
                stall(p);
                return;
            }
            if (n < max) {
                return;
            }
            int full = conn.dataPayloadSize();
            if (max < full) { // to one whole TLS record's frame, then to a whole (four-record) frame
                int oneRecord = Frames.TLS_RECORD_PAYLOAD - Frames.HEADER_LENGTH;
                buffer = new byte[Frames.HEADER_LENGTH + (max < oneRecord ? Math.min(full, oneRecord) : full)];
            }
        }
    }

    private void stall(Pull p) {
        try {
            p.src.watchInput(false);
            stalled.add(p);
        } catch (NetException e) {
            p.complete(e);
        }
    }

    private void retryStalled() {
        for (Iterator<Pull> it = stalled.iterator(); it.hasNext(); ) {
            Pull p = it.next();
            if (p.isDone()) {
                it.remove();
                continue;
            }
            try {
                int sent = p.stream.trySendData(p.pending, p.pendingLength);
                p.sent(sent);
                p.consumePending(sent);
                if (p.pendingLength == 0) {
                    p.pending = null;
                    it.remove();
                    p.src.watchInput(true);
                }
            } catch (IOException e) {
                it.remove();
                p.complete(e);
            }
        }
    }

    /** One tunnel's registration: its source, what the window did not take yet, and how it ended. */
    final class Pull {
        private final long token;
        private final HboneStream stream;
        private final NonBlockingSocket src;
        private final LongConsumer delivered;
        private final ReentrantLock lock = new ReentrantLock();
        private final Condition ended = lock.newCondition();
        // Loop thread only: bytes read but not sent, after a HEADER_LENGTH gap so they can be framed in place.
        private byte[] pending;
        private int pendingLength;
        // Guarded by lock.
        private boolean done;
        private IOException failure;

        Pull(long token, HboneStream stream, NonBlockingSocket src, LongConsumer delivered) {
            this.token = token;
            this.stream = stream;
            this.src = src;
            this.delivered = delivered;
        }

        private void sent(int n) {
            if (n > 0) {
                delivered.accept(n);
            }
        }

        private void keep(byte[] from, int offset, int length) {
            pending = new byte[Frames.HEADER_LENGTH + length];
            System.arraycopy(from, offset, pending, Frames.HEADER_LENGTH, length);
            pendingLength = length;
        }

        private void consumePending(int n) {
            if (n > 0) {
                pendingLength -= n;
                System.arraycopy(pending, Frames.HEADER_LENGTH + n, pending, Frames.HEADER_LENGTH, pendingLength);
            }
        }

        boolean isDone() {
            lock.lock();
            try {
                return done;
            } finally {
                lock.unlock();
            }
        }

        /** Ends the pull (null: at EOF) and takes the socket out of the set; any thread, the first call wins. */
        void complete(IOException cause) {
            lock.lock();
            try {
                if (done) {
                    return;
                }
                done = true;
                failure = cause;
                ended.signalAll();
            } finally {
                lock.unlock();
            }
            pulls.remove(token);
            src.deregister();
            stream.detach(this);
        }

        private void await() throws IOException {
            lock.lock();
            try {
                while (!done) {
                    ended.await();
                }
                if (failure != null) {
                    throw failure;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                lock.unlock();
                try {
                    complete(new java.io.InterruptedIOException("interrupted while relaying"));
                } finally {
                    lock.lock();
                }
                throw failure;
            } finally {
                lock.unlock();
            }
        }
    }
}
