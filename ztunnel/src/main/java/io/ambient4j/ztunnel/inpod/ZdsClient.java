package io.ambient4j.ztunnel.inpod;

import io.ambient4j.common.net.Datagram;
import io.ambient4j.common.net.NetException;
import io.ambient4j.common.net.NetnsExecutor;
import io.ambient4j.common.net.SeqpacketSocket;
import io.ambient4j.common.net.SocketOptions;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * ztunnel's side of ZDS (ambient-spec §5): connects to the node agent's SEQPACKET socket, says hello, and
 * feeds every request to the {@link InpodState} it owns, answering each with an Ack (an error text when the
 * request failed). It runs on one platform thread, which makes it the single writer of the in-pod state.
 *
 * <p>Connection attempts back off from 10 ms to 15 s. A datagram that cannot be decoded is answered with an
 * error Ack and otherwise ignored, so one bad message disturbs no pod. A message out of sequence (a second
 * SnapshotSent) means the two sides disagree: it is answered with an error and the connection is restarted,
 * which brings a fresh snapshot; running proxies stay up meanwhile. A pod whose proxy fails to start stays
 * pending and is retried every 5 s.
 */
public final class ZdsClient implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ZdsClient.class.getName());
    static final Duration INITIAL_BACKOFF = Duration.ofMillis(10);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(15);
    static final Duration RETRY_PENDING = Duration.ofSeconds(5);
    /** The receive poll: how soon a stop request or a due retry is noticed while the agent is quiet. */
    private static final Duration POLL = Duration.ofMillis(200);

    private static final Duration WRITE_DEADLINE = Duration.ofSeconds(5);

    private final Path socketPath;
    private final InpodState state;
    private final Duration retryInterval;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final Thread thread;

    private ZdsClient(Path socketPath, InpodState state, Duration retryInterval) {
        this.socketPath = socketPath;
        this.state = state;
        this.retryInterval = retryInterval;
        this.thread = Thread.ofPlatform().name("zds-client").daemon(true).unstarted(this::run);
    }

    /** A client for the agent at {@code socketPath}; pending pods are retried every 5 s. */
    public static ZdsClient create(Path socketPath, InpodState state) {
        return new ZdsClient(socketPath, state, RETRY_PENDING);
    }

    /** As {@link #create} with another retry interval (tests). */
    public static ZdsClient create(Path socketPath, InpodState state, Duration retryInterval) {
        return new ZdsClient(socketPath, state, retryInterval);
    }

    /**
     * Fails early when the process cannot do what in-pod mode needs: SO_MARK on a socket (CAP_NET_ADMIN or
     * CAP_NET_RAW) and setns (CAP_SYS_ADMIN), as upstream checks at start-up.
     */
    public static void verifyCapabilities(NetnsExecutor executor, int mark) throws InpodSetupException {
        try (SocketChannel probe = SocketChannel.open()) {
            SocketOptions.create().setMark(probe, mark);
        } catch (IOException | RuntimeException e) {
            throw new InpodSetupException(
                    InpodSetupException.Reason.SO_MARK_UNAVAILABLE,
                    "cannot set SO_MARK " + mark + " (needs CAP_NET_ADMIN or CAP_NET_RAW): " + e.getMessage(),
                    e);
        }
        try {
            executor.call(executor.home(), () -> Boolean.TRUE);
        } catch (IOException | RuntimeException e) {
            throw new InpodSetupException(
                    InpodSetupException.Reason.SETNS_UNAVAILABLE,
                    "cannot enter a network namespace (needs CAP_SYS_ADMIN): " + e.getMessage(),
                    e);
        }
    }

    /** Starts the connection loop. */
    public void start() {
        thread.start();
    }

    /** The in-pod state this client writes (read its {@link InpodState#status()} from anywhere). */
    public InpodState state() {
        return state;
    }

    private void run() {
        Duration backoff = INITIAL_BACKOFF;
        while (!stopped()) {
            SeqpacketSocket socket;
            try {
                socket = SeqpacketSocket.connect(socketPath);
            } catch (NetException | RuntimeException e) {
                LOG.log(
                        Level.WARNING,
                        "cannot connect to the istio-cni node agent at {0} ({1}); retrying in {2} ms",
                        socketPath,
                        e.getMessage(),
                        backoff.toMillis());
                if (await(backoff)) {
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
                continue;
            }
            boolean hadSnapshot = false;
            try {
                hadSnapshot = serve(socket);
            } finally {
                state.disconnected();
                closeQuietly(socket);
            }
            if (hadSnapshot) {
                backoff = INITIAL_BACKOFF;
            } else if (!stopped()) {
                // The agent hung up before the snapshot ended (restarting, or it cannot talk to us): back off.
                if (await(backoff)) {
                    return;
                }
                backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
            }
        }
    }

    /** Serves one connection until it ends; returns whether its snapshot completed. */
    private boolean serve(SeqpacketSocket socket) {
        try {
            socket.setTimeouts(POLL, WRITE_DEADLINE);
            socket.send(ZdsDecoder.hello(), Optional.empty());
        } catch (NetException e) {
            LOG.log(Level.WARNING, "hello to the node agent failed: {0}", e.getMessage());
            return false;
        }
        LOG.log(Level.INFO, "connected to the istio-cni node agent at {0}", socketPath);
        state.connected();
        long retryAt = 0;
        while (!stopped()) {
            if (retryAt != 0 && System.nanoTime() - retryAt >= 0) {
                retryAt = state.retryPending() ? System.nanoTime() + retryInterval.toNanos() : 0;
            }
            Datagram datagram;
            try {
                datagram = socket.receive(ZdsDecoder.MAX_MESSAGE);
            } catch (NetException e) {
                switch (e.reason()) {
                    case TIMEOUT -> {
                        continue;
                    }
                    case TRUNCATED, BAD_CONTROL_MESSAGE -> {
                        // The kernel consumed the bad datagram (and we closed any fds): refuse it, stay connected.
                        LOG.log(Level.WARNING, "refused a ZDS datagram: {0}", e.getMessage());
                        if (!send(socket, "refused datagram: " + e.getMessage())) {
                            return state.status().snapshotReceived();
                        }
                        continue;
                    }
                    default -> {
                        LOG.log(Level.INFO, "node agent connection ended: {0}", e.getMessage());
                        return state.status().snapshotReceived();
                    }
                }
            }
            String error = "";
            boolean restart = false;
            try {
                state.process(ZdsDecoder.decode(datagram.payload(), datagram.fd()));
            } catch (ProxyStartException e) {
                LOG.log(Level.WARNING, "{0}; retrying every {1} ms", e.getMessage(), retryInterval.toMillis());
                error = e.getMessage();
                if (retryAt == 0) {
                    retryAt = System.nanoTime() + retryInterval.toNanos();
                }
            } catch (ZdsProtocolException e) {
                LOG.log(Level.WARNING, "refused a ZDS message ({0}): {1}", e.reason(), e.getMessage());
                error = e.reason() + ": " + e.getMessage();
                restart = e.reason().resynchronise();
            }
            if (!send(socket, error) || restart) {
                return state.status().snapshotReceived();
            }
        }
        return true;
    }

    private static boolean send(SeqpacketSocket socket, String error) {
        try {
            socket.send(ZdsDecoder.ack(error), Optional.empty());
            return true;
        } catch (NetException e) {
            LOG.log(Level.WARNING, "sending an ack to the node agent failed: {0}", e.getMessage());
            return false;
        }
    }

    private boolean stopped() {
        return stopping.getCount() == 0;
    }

    /** Waits {@code d} or until stopped; returns true when stopped. */
    private boolean await(Duration d) {
        try {
            return stopping.await(d.toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }

    private static void closeQuietly(SeqpacketSocket socket) {
        try {
            socket.close();
        } catch (NetException e) {
            LOG.log(Level.DEBUG, "closing the ZDS socket: {0}", e.getMessage());
        }
    }

    /**
     * Stops the connection loop and returns once the thread is gone; the state then belongs to the caller
     * (for {@link InpodState#shutdown()}). Proxies keep running.
     */
    @Override
    public void close() throws InterruptedException {
        stopping.countDown();
        // The loop notices within one receive poll and closes its own socket: closing it from here could race
        // a receive on the same descriptor number.
        if (thread.isAlive()) {
            thread.join(Duration.ofSeconds(5));
        }
    }
}
