package io.ambient4j.common.net;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.Optional;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Sends on a blocking JDK socket channel without ever blocking the caller ({@code send(2)} with
 * {@code MSG_DONTWAIT}), which the JDK has no call for: an HTTP/2 connection reader uses it to hand a DATA payload to
 * the application socket itself instead of waking a relay thread, and must never wait on one slow socket.
 *
 * <p>It works on the channel's descriptor number, so the channel must be closed only through {@link #close}: that
 * waits for a send in progress and stops later ones, so a descriptor number the kernel has meanwhile handed to
 * another socket is never written to.
 */
public final class NonBlockingSender {
    private final SocketChannel channel;
    private final int fd;
    private final ReentrantLock lock = new ReentrantLock();
    private boolean closed;

    private NonBlockingSender(SocketChannel channel, int fd) {
        this.channel = channel;
        this.fd = fd;
    }

    /** A sender for {@code channel}, or empty when its descriptor cannot be read (no {@code --add-opens}). */
    public static Optional<NonBlockingSender> of(SocketChannel channel) {
        try {
            return Optional.of(new NonBlockingSender(channel, FfmSocketOptions.ChannelFds.fdOf(channel)));
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

    /** Closes the channel by running {@code closer} once no send is in progress; later sends take nothing. */
    public void close(Closer closer) throws IOException {
        lock.lock();
        try {
            closed = true;
            closer.close(channel);
        } finally {
            lock.unlock();
        }
    }

    /** How the owner closes the channel (e.g. with SO_LINGER 0 first, for a reset). */
    @FunctionalInterface
    public interface Closer {
        void close(SocketChannel channel) throws IOException;
    }
}
