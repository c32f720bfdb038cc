package io.ambient4j.cni.zds;

import io.ambient4j.common.net.NetException;
import io.ambient4j.common.net.SeqpacketListener;
import io.ambient4j.common.net.SeqpacketSocket;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The node agent's side of ZDS (ambient-spec §5): ztunnel connects, says hello, receives the snapshot of
 * enrolled pods (Add with the pod's netns fd, or Keep when the agent has no handle), then SnapshotSent;
 * afterwards each enrolment change is pushed as it happens. Adds go only to the newest connection (the
 * ztunnel taking over during an upgrade), Deletes to every connection. A misbehaving connection is
 * closed on its own; other connections and the pod set are unaffected.
 *
 * <p>Socket calls block in native code, so the accept loop and each connection run on platform threads.
 */
public final class ZdsServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ZdsServer.class.getName());
    private static final Duration MAX_ACCEPT_POLL = Duration.ofMillis(200);

    private final ZdsConfig config;
    private final PodCache pods;
    private volatile SeqpacketListener listener;
    private final List<ZdsConnection> connections = new CopyOnWriteArrayList<>();
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final AtomicLong ids = new AtomicLong();
    private final Thread acceptThread;

    private ZdsServer(ZdsConfig config, PodCache pods) {
        this.config = config;
        this.pods = pods;
        this.acceptThread = Thread.ofPlatform().name("zds-accept").daemon(true).unstarted(this::acceptLoop);
    }

    /** Binds the socket (removing a stale file) and starts accepting. */
    public static ZdsServer start(ZdsConfig config, PodCache pods) throws IOException {
        ZdsServer server = create(config, pods);
        server.start();
        return server;
    }

    /**
     * A server that does not listen yet, so the agent can first rebuild its pod set (after a restart) and
     * only then let ztunnel connect: a snapshot missing running pods would make ztunnel drain them.
     */
    public static ZdsServer create(ZdsConfig config, PodCache pods) {
        return new ZdsServer(config, pods);
    }

    /** Binds the socket (removing a stale file) and starts accepting; once only. */
    public void start() throws IOException {
        if (listener != null) {
            throw new IllegalStateException("ZDS server already started");
        }
        // accept() wakes at least this often so the loop can run keepalives and notice close().
        Duration poll = config.keepaliveInterval().compareTo(MAX_ACCEPT_POLL) < 0
                ? config.keepaliveInterval()
                : MAX_ACCEPT_POLL;
        listener = SeqpacketListener.bind(config.socketPath(), 16, poll);
        acceptThread.start();
    }

    /**
     * Records a pod that is already enrolled (found at start-up) without sending anything: it goes out in
     * the next snapshot, as Add when {@code pod} has a netns and as Keep otherwise. Takes ownership of the
     * netns handle.
     */
    public void adopt(ZdsPod pod) {
        pods.put(pod);
    }

    /** Connections that completed hello and snapshot, oldest first. */
    public int connectionCount() {
        return (int) connections.stream().filter(c -> !c.isClosed()).count();
    }

    private static void closeQuietly(ZdsPod pod) {
        pod.netns().ifPresent(ns -> {
            try {
                ns.close();
            } catch (NetException e) {
                LOG.log(Level.WARNING, "closing netns of pod {0}: {1}", pod.uid(), e.getMessage());
            }
        });
    }

    /**
     * Records the pod (taking ownership of its netns handle) and sends AddWorkload with its netns fd to the newest ztunnel. Throws when no
     * ztunnel is connected or it does not acknowledge; the pod stays recorded for the next snapshot.
     */
    public ZdsAck addPod(ZdsPod pod) throws ZdsException {
        if (pod.netns().isEmpty()) {
            throw new ZdsException(ZdsException.Reason.BAD_FD, "AddWorkload for " + pod.uid() + " needs a netns");
        }
        byte[] message;
        try {
            message = ZdsCodec.add(pod.uid(), pod.identity());
        } catch (ZdsException e) {
            // Never sendable, so never cached: the handle this call took ownership of is released here.
            closeQuietly(pod);
            throw e;
        }
        pods.put(pod);
        ZdsConnection newest =
                newest().orElseThrow(() -> new ZdsException(ZdsException.Reason.NO_ZTUNNEL, "no ztunnel connected"));
        return newest.request(
                "AddWorkload " + pod.uid(),
                message,
                Optional.of(pod.netns().get().fd()));
    }

    /**
     * Forgets the pod and sends DelWorkload to every connected ztunnel. Returns the acks that arrived;
     * failures are per connection and logged.
     */
    public List<ZdsAck> deletePod(String uid) throws ZdsException {
        byte[] message = ZdsCodec.del(uid);
        pods.remove(uid);
        List<ZdsAck> acks = new ArrayList<>();
        for (ZdsConnection c : connections) {
            if (c.isClosed()) {
                continue;
            }
            try {
                acks.add(c.request("DelWorkload " + uid, message, Optional.empty()));
            } catch (ZdsException e) {
                LOG.log(Level.WARNING, "{0}: {1}", c, e.getMessage());
            }
        }
        return acks;
    }

    private Optional<ZdsConnection> newest() {
        for (int i = connections.size() - 1; i >= 0; i--) {
            ZdsConnection c = connections.get(i);
            if (!c.isClosed()) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    private void acceptLoop() {
        long minGapNanos = TimeUnit.SECONDS.toNanos(1) / config.acceptsPerSecond();
        long lastAccept = System.nanoTime() - minGapNanos;
        long lastKeepalive = System.nanoTime();
        while (stopping.getCount() > 0) {
            try {
                SeqpacketSocket socket = listener.accept();
                long wait = lastAccept + minGapNanos - System.nanoTime();
                if (wait > 0) {
                    LockSupport.parkNanos(wait);
                }
                lastAccept = System.nanoTime();
                long id = ids.incrementAndGet();
                Thread.ofPlatform().name("zds-conn-" + id).daemon(true).start(() -> serve(id, socket));
            } catch (NetException e) {
                if (e.reason() != NetException.Reason.TIMEOUT && stopping.getCount() > 0) {
                    LOG.log(Level.WARNING, "ZDS accept failed: {0}", e.getMessage());
                }
            }
            if (System.nanoTime() - lastKeepalive >= config.keepaliveInterval().toNanos()) {
                lastKeepalive = System.nanoTime();
                keepalive();
            }
        }
    }

    private void keepalive() {
        for (ZdsConnection c : connections) {
            if (!c.probe()) {
                connections.remove(c);
                LOG.log(Level.INFO, "{0} gone", c);
            }
        }
    }

    private void serve(long id, SeqpacketSocket socket) {
        ZdsConnection conn;
        try {
            conn = new ZdsConnection(id, socket, config.deadline());
        } catch (NetException e) {
            LOG.log(Level.WARNING, "ZDS connection {0} set-up failed: {1}", id, e.getMessage());
            try {
                socket.close();
            } catch (NetException ignored) {
                // Failing already.
            }
            return;
        }
        try {
            conn.readHello();
            sendSnapshot(conn);
            LOG.log(Level.INFO, "{0} received the snapshot", conn);
        } catch (ZdsException e) {
            LOG.log(Level.WARNING, "{0} dropped: {1}", conn, e.getMessage());
            conn.close();
            connections.remove(conn);
        }
    }

    /**
     * Registers the connection as newest and replays the pods while holding it, so an Add racing with the
     * snapshot is either in the snapshot or queued behind SnapshotSent (Adds are idempotent).
     */
    private void sendSnapshot(ZdsConnection conn) throws ZdsException {
        conn.lock().lock();
        try {
            connections.add(conn);
            for (ZdsPod pod : pods.snapshot()) {
                ZdsAck ack = pod.netns().isPresent()
                        ? conn.request(
                                "AddWorkload " + pod.uid(),
                                ZdsCodec.add(pod.uid(), pod.identity()),
                                Optional.of(pod.netns().get().fd()))
                        : conn.request("KeepWorkload " + pod.uid(), ZdsCodec.keep(pod.uid()), Optional.empty());
                if (!ack.ok()) {
                    LOG.log(Level.WARNING, "{0} reported for pod {1}: {2}", conn, pod.uid(), ack.error());
                }
            }
            ZdsAck done = conn.request("SnapshotSent", ZdsCodec.snapshotSent(), Optional.empty());
            if (!done.ok()) {
                LOG.log(Level.WARNING, "{0} reported for SnapshotSent: {1}", conn, done.error());
            }
        } finally {
            conn.lock().unlock();
        }
    }

    /** Stops accepting, closes every connection and removes the socket file. */
    @Override
    public void close() throws IOException {
        stopping.countDown();
        if (listener == null) {
            return;
        }
        try {
            acceptThread.join(config.deadline().toMillis() + 1000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (ZdsConnection c : connections) {
            c.close();
        }
        connections.clear();
        listener.close();
    }
}
