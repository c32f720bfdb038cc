package io.ambient4j.common.net;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Sends on and receives from a blocking JDK socket channel without ever blocking the caller ({@code send(2)} and
 * {@code recv(2)} with {@code MSG_DONTWAIT}), which the JDK has no call for. An HTTP/2 connection reader uses it to
 * hand a DATA payload to the application socket itself, and a connection's send loop to take the application's
 * bytes when an {@link Epoll} set reports them, instead of waking a relay thread per message; neither may ever wait
 * on one slow socket.
 *
 * <p>It works on the channel's descriptor number, so the channel must be closed only through {@link #close}: that
 * waits for a send or receive in progress, takes the descriptor out of its epoll set and stops later calls, so a
 * descriptor number the kernel has meanwhile handed to another socket is never used.
 */
public final class NonBlockingSocket {
    /** {@link #tryReceive}: the peer half-closed (EOF). */
    public static final int EOF = -1;

    private final SocketChannel channel;
    private final int fd;
    private final ReentrantLock lock = new ReentrantLock();
    // Guarded by lock.
    private boolean closed;
    private Epoll epoll;
    private long token;
    private Runnable onClose;

    private NonBlockingSocket(SocketChannel channel, int fd) {
        this.channel = channel;
        this.fd = fd;
    }

    /** A sender for {@code channel}, or empty when its descriptor cannot be read (no {@code --add-opens}). */
    public static Optional<NonBlockingSocket> of(SocketChannel channel) {
        try {
            return Optional.of(new NonBlockingSocket(channel, FfmSocketOptions.ChannelFds.fdOf(channel)));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Sends what the socket takes now: the byte count, 0 when it would block, after {@link #close}, or on any
     * error (the owner's next blocking write reports that).
     */
    public int trySend(byte[] buffer, int offset, int length) {
        lock.lock();
        try {
            if (closed || length == 0) {
                return 0;
            }
            long n = Libc.sendNow(fd, buffer, offset, length);
            return n > 0 ? (int) n : 0;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Receives what is there now into {@code buffer[offset, offset + length)}: the byte count, 0 when nothing is, or
     * {@link #EOF}. A reset or other socket error, and a call after {@link #close}, throw. {@code callState} is the
     * calling thread's errno segment (see {@link ReceiveState}).
     */
    public int tryReceive(ReceiveState callState, byte[] buffer, int offset, int length) throws IOException {
        if (length <= 0) {
            throw new IllegalArgumentException("receive length must be positive");
        }
        lock.lock();
        try {
            if (closed) {
                throw NetException.of(NetException.Reason.CLOSED, "socket closed");
            }
            long n = Libc.recvNow(callState.segment(), fd, buffer, offset, length);
            return n > 0 ? (int) n : n == 0 ? EOF : 0;
        } finally {
            lock.unlock();
        }
    }

    /**
     * Adds the socket to {@code set} under {@code token}, watching for input; {@code onClose} runs (once, outside
     * any lock) when {@link #close} later takes it out again. Fails if the socket is closed or already registered.
     */
    public void register(Epoll set, long token, Runnable onClose) throws NetException {
        lock.lock();
        try {
            if (closed) {
                throw NetException.of(NetException.Reason.CLOSED, "socket closed");
            }
            if (epoll != null) {
                throw NetException.of(NetException.Reason.INVALID_ARGUMENT, "socket already in an epoll set");
            }
            set.add(fd, token, true);
            this.epoll = set;
            this.token = token;
            this.onClose = onClose;
        } finally {
            lock.unlock();
        }
    }

    /** Watches for input again, or stops (while what was read cannot be passed on); no-op once closed or removed. */
    public void watchInput(boolean watch) throws NetException {
        lock.lock();
        try {
            if (!closed && epoll != null) {
                epoll.modify(fd, token, watch);
            }
        } finally {
            lock.unlock();
        }
    }

    /** Takes the socket out of its epoll set (without running its close hook); no-op if not in one. */
    public void deregister() {
        lock.lock();
        try {
            removeFromSet();
        } finally {
            lock.unlock();
        }
    }

    private void removeFromSet() {
        if (epoll != null && !closed) {
            try {
                epoll.remove(fd);
            } catch (NetException e) {
                // the set is closed already: nothing watches the descriptor any more
            }
        }
        epoll = null;
        onClose = null;
    }

    /**
     * Closes the channel by running {@code closer} once no send or receive is in progress, after taking it out of
     * its epoll set; later calls take nothing. Then runs the registration's close hook, if any.
     */
    public void close(Closer closer) throws IOException {
        Runnable hook = null;
        lock.lock();
        try {
            hook = onClose;
            removeFromSet();
            closed = true;
            closer.close(channel);
        } finally {
            lock.unlock();
            if (hook != null) {
                hook.run();
            }
        }
    }

    /** How the owner closes the channel (e.g. with SO_LINGER 0 first, for a reset). */
    @FunctionalInterface
    public interface Closer {
        void close(SocketChannel channel) throws IOException;
    }

    /** The errno capture memory of one receiving thread, allocated once so a receive allocates nothing. */
    public static final class ReceiveState implements AutoCloseable {
        private final java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofShared();
        private final MemorySegment segment = Libc.newCallState(arena);

        MemorySegment segment() {
            return segment;
        }

        @Override
        public void close() {
            arena.close();
        }
    }
}
