package io.ambient4j.cni.zds;

import io.ambient4j.common.net.Datagram;
import io.ambient4j.common.net.NetException;
import io.ambient4j.common.net.OwnedFd;
import io.ambient4j.common.net.SeqpacketSocket;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One connected ztunnel. Requests go out one at a time, each answered by an Ack before the next
 * (the lock); any failure closes the connection, because after a lost or late Ack the two sides no
 * longer agree on which request an answer belongs to.
 */
final class ZdsConnection implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ZdsConnection.class.getName());

    private final long id;
    private final SeqpacketSocket socket;
    private final ReentrantLock inFlight = new ReentrantLock();
    private final AtomicBoolean closed = new AtomicBoolean();

    ZdsConnection(long id, SeqpacketSocket socket, Duration deadline) throws NetException {
        this.id = id;
        this.socket = socket;
        socket.setTimeouts(deadline, deadline);
    }

    long id() {
        return id;
    }

    boolean isClosed() {
        return closed.get();
    }

    /** Reads ztunnel's hello; fails on anything else. */
    void readHello() throws ZdsException {
        Datagram d = receive("hello");
        rejectFd(d, "hello");
        ZdsCodec.decodeHello(d.payload());
    }

    /** Holds the connection for a sequence of requests (the snapshot) so nothing interleaves. */
    ReentrantLock lock() {
        return inFlight;
    }

    /** Sends one request (with {@code fd} for an Add) and waits for its Ack. */
    ZdsAck request(String what, byte[] message, Optional<OwnedFd> fd) throws ZdsException {
        inFlight.lock();
        try {
            if (closed.get()) {
                throw new ZdsException(ZdsException.Reason.DISCONNECTED, "connection " + id + " is closed");
            }
            try {
                socket.send(message, fd);
            } catch (NetException e) {
                throw fail(ZdsException.Reason.DISCONNECTED, "sending " + what + ": " + e.getMessage(), e);
            }
            Datagram reply = receive("ack of " + what);
            rejectFd(reply, "ack of " + what);
            try {
                return ZdsCodec.decodeAck(reply.payload());
            } catch (ZdsException e) {
                throw fail(e.reason(), e.getMessage() + " (answering " + what + ")", e);
            }
        } finally {
            inFlight.unlock();
        }
    }

    /**
     * Keepalive: when idle, checks whether ztunnel hung up. Anything ztunnel sent unasked is read and
     * dropped with a warning. Returns false once the connection is gone.
     */
    boolean probe() {
        if (closed.get()) {
            return false;
        }
        if (!inFlight.tryLock()) {
            return true;
        }
        try {
            SeqpacketSocket.PeerState state = socket.peek();
            if (state == SeqpacketSocket.PeerState.CLOSED) {
                close();
                return false;
            }
            if (state == SeqpacketSocket.PeerState.DATA) {
                Datagram unasked = socket.receive(ZdsCodec.MAX_MESSAGE);
                unasked.fd().ifPresent(ZdsConnection::closeQuietly);
                LOG.log(Level.WARNING, "ztunnel connection {0} sent {1} unasked; dropped", id, unasked);
            }
            return true;
        } catch (NetException e) {
            LOG.log(Level.WARNING, "ztunnel connection {0} keepalive failed: {1}", id, e.getMessage());
            close();
            return false;
        } finally {
            inFlight.unlock();
        }
    }

    private Datagram receive(String what) throws ZdsException {
        try {
            return socket.receive(ZdsCodec.MAX_MESSAGE);
        } catch (NetException e) {
            ZdsException.Reason reason = switch (e.reason()) {
                case TIMEOUT -> ZdsException.Reason.TIMEOUT;
                case TRUNCATED -> ZdsException.Reason.TOO_LARGE;
                case BAD_CONTROL_MESSAGE -> ZdsException.Reason.BAD_FD;
                default -> ZdsException.Reason.DISCONNECTED;
            };
            throw fail(reason, "waiting for " + what + " on connection " + id + ": " + e.getMessage(), e);
        }
    }

    private void rejectFd(Datagram d, String what) throws ZdsException {
        if (d.fd().isPresent()) {
            closeQuietly(d.fd().get());
            throw fail(ZdsException.Reason.BAD_FD, what + " carried a file descriptor", null);
        }
    }

    private ZdsException fail(ZdsException.Reason reason, String message, Throwable cause) {
        close();
        return new ZdsException(reason, message, cause);
    }

    private static void closeQuietly(OwnedFd fd) {
        try {
            fd.close();
        } catch (NetException ignored) {
            // Released by close(2) either way.
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                socket.close();
            } catch (NetException e) {
                LOG.log(Level.DEBUG, "closing ztunnel connection {0}: {1}", id, e.getMessage());
            }
        }
    }

    @Override
    public String toString() {
        return "ztunnel connection " + id;
    }
}
