package io.ambient4j.common.net;

import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A level-triggered epoll set plus an eventfd to wake its waiter: the readiness source of a loop that reads many
 * sockets on one platform thread.
 *
 * <p>Why not a JDK {@link java.nio.channels.Selector}: it only takes channels in non-blocking mode, and switching a
 * channel between modes needs it deregistered first (which completes only at the next select). The relay's sockets
 * stay blocking JDK channels, used by virtual threads for the writes that must wait; this set watches their
 * descriptors directly, and {@link NonBlockingSocket} reads them with {@code MSG_DONTWAIT}.
 *
 * <p>Threads: {@link #await}, {@link #token} and {@link #close} belong to the one loop thread; {@link #wakeup} and
 * the interest changes (through {@link NonBlockingSocket}, under its lock, so a descriptor number is never touched
 * after its socket closed) may come from any thread, as epoll allows.
 */
public final class Epoll implements AutoCloseable {
    /** The token of the wake-up eventfd; sockets must use other (positive) tokens. */
    public static final long WAKE_TOKEN = 0;

    private final int epfd;
    private final int wakeFd;
    private final Arena arena = Arena.ofShared();
    private final MemorySegment events;
    private final MemorySegment callState;
    private final int capacity;
    private final ReentrantLock lifecycle = new ReentrantLock(); // a wake-up never writes to a closed (reused) fd
    private boolean closed;

    private Epoll(int epfd, int wakeFd, int capacity) {
        this.epfd = epfd;
        this.wakeFd = wakeFd;
        this.capacity = capacity;
        this.events = arena.allocate(Libc.EPOLL_EVENT_SIZE * capacity, 8);
        this.callState = Libc.newCallState(arena);
    }

    /** A new set that reports at most {@code capacity} ready descriptors per {@link #await}. */
    public static Epoll open(int capacity) throws NetException {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive");
        }
        int ep = Libc.epollCreate();
        int wake;
        try {
            wake = Libc.eventfd();
        } catch (NetException e) {
            Libc.close(ep);
            throw e;
        }
        try {
            Libc.epollCtl(ep, Libc.EPOLL_CTL_ADD, wake, Libc.EPOLLIN, WAKE_TOKEN);
        } catch (NetException e) {
            Libc.close(wake);
            Libc.close(ep);
            throw e;
        }
        return new Epoll(ep, wake, capacity);
    }

    /**
     * Waits up to {@code timeoutMillis} (-1: no limit) for ready descriptors or a {@link #wakeup}; returns how many
     * entries {@link #token} can be asked for. A wake-up shows as an entry with {@link #WAKE_TOKEN} (already reset).
     */
    public int await(int timeoutMillis) throws NetException {
        int n = Libc.epollWait(callState, epfd, events, capacity, timeoutMillis);
        for (int i = 0; i < n; i++) {
            if (token(i) == WAKE_TOKEN) {
                Libc.eventfdDrain(wakeFd);
            }
        }
        return n;
    }

    /** The token of ready entry {@code i} of the last {@link #await}. */
    public long token(int i) {
        return events.get(JAVA_LONG_UNALIGNED, i * Libc.EPOLL_EVENT_SIZE + Libc.EPOLL_EVENT_DATA);
    }

    /** Makes the current or next {@link #await} return. Any thread. */
    public void wakeup() {
        lifecycle.lock();
        try {
            if (!closed) {
                Libc.eventfdSignal(wakeFd);
            }
        } catch (NetException e) {
            throw new IllegalStateException("cannot wake the epoll loop: " + e.getMessage(), e);
        } finally {
            lifecycle.unlock();
        }
    }

    void add(int fd, long token, boolean readable) throws NetException {
        control(Libc.EPOLL_CTL_ADD, fd, interest(readable), token);
    }

    void modify(int fd, long token, boolean readable) throws NetException {
        control(Libc.EPOLL_CTL_MOD, fd, interest(readable), token);
    }

    /** Takes {@code fd} out; a no-op once the set is closed (its descriptor number may belong to another file). */
    void remove(int fd) throws NetException {
        lifecycle.lock();
        try {
            if (!closed) {
                Libc.epollCtl(epfd, Libc.EPOLL_CTL_DEL, fd, 0, 0);
            }
        } finally {
            lifecycle.unlock();
        }
    }

    private void control(int op, int fd, int events, long token) throws NetException {
        if (token == WAKE_TOKEN) {
            throw new IllegalArgumentException("token " + WAKE_TOKEN + " is the wake-up's");
        }
        lifecycle.lock();
        try {
            if (closed) {
                throw NetException.of(NetException.Reason.CLOSED, "epoll set closed");
            }
            Libc.epollCtl(epfd, op, fd, events, token);
        } finally {
            lifecycle.unlock();
        }
    }

    /** Readable, or the peer's half-close or an error (which {@code recv} then reports); nothing while paused. */
    private static int interest(boolean readable) {
        return readable ? Libc.EPOLLIN | Libc.EPOLLRDHUP : 0;
    }

    /** Closes the set; by the loop thread once it no longer waits. */
    @Override
    public void close() {
        lifecycle.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            try {
                Libc.close(wakeFd);
                Libc.close(epfd);
            } catch (NetException e) {
                // close(2) releases the descriptor even when it reports an error
            }
            arena.close();
        } finally {
            lifecycle.unlock();
        }
    }
}
