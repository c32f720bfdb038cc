package io.ambient4j.ztunnel.inpod;

import io.ambient4j.common.identity.InvalidIdentityException;
import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.common.net.NetException;
import io.ambient4j.common.net.Netns;
import io.ambient4j.ztunnel.inpod.ZdsProtocolException.Reason;
import io.ambient4j.ztunnel.proxy.WorkloadProxyFactory.Handle;
import io.ambient4j.ztunnel.proxy.WorkloadProxyFactory.PodInfo;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiFunction;

/**
 * The in-pod proxy set and the ZDS snapshot state machine (ambient-spec §5.3). It has exactly one writer, the
 * ZDS client thread, which calls {@link #process} for each message; every change is published as an
 * immutable {@link InpodStatus} for readers. It owns the pods' netns handles: each stays open while its proxy
 * (or pending retry) needs it, because the proxy creates later sockets, e.g. outbound connects, in it.
 *
 * <p>Not thread-safe by design: only the owner thread calls the mutating methods; {@link #shutdown} is called
 * after that thread has stopped.
 */
public final class InpodState {
    private static final System.Logger LOG = System.getLogger(InpodState.class.getName());

    private record Running(PodInfo pod, Netns netns, long inode, Handle handle) {}

    private record Pending(PodInfo pod, Netns netns) {}

    private final ProxyStarter starter;
    private final BiFunction<String, String, String> trustDomainOf;
    private final Duration drainDeadline;
    private final Map<String, Running> running = new HashMap<>();
    private final Map<String, Pending> pending = new HashMap<>();
    private final Set<String> snapshotNames = new HashSet<>();
    private final List<Thread> draining = new CopyOnWriteArrayList<>();
    private final AtomicLong started = new AtomicLong();
    private final AtomicLong stopped = new AtomicLong();
    private boolean snapshotReceived;
    private boolean connected;
    private volatile InpodStatus published = InpodStatus.INITIAL;

    /**
     * @param starter starts one pod's listeners in its netns
     * @param trustDomainOf (namespace, pod name) to the trust domain of the pod's identity
     * @param drainDeadline how long proxies dropped from a snapshot, and all proxies at shutdown, may drain
     */
    public InpodState(ProxyStarter starter, BiFunction<String, String, String> trustDomainOf, Duration drainDeadline) {
        this.starter = starter;
        this.trustDomainOf = trustDomainOf;
        this.drainDeadline = drainDeadline;
    }

    /** The latest published view (any thread). */
    public InpodStatus status() {
        InpodStatus s = published;
        return new InpodStatus(s.connected(), s.snapshotReceived(), s.proxies(), started.get(), stopped.get());
    }

    /** A new connection: a new snapshot follows. Pending pods are forgotten (the snapshot re-sends them). */
    public void connected() {
        snapshotNames.clear();
        for (Pending p : pending.values()) {
            closeQuietly(p.netns());
        }
        pending.clear();
        snapshotReceived = false;
        connected = true;
        publish();
    }

    /** The connection is gone: proxies keep running, readiness drops until the next snapshot. */
    public void disconnected() {
        connected = false;
        publish();
    }

    /** Whether a retry is due for pods whose proxy failed to start. */
    public boolean hasPending() {
        return !pending.isEmpty();
    }

    /**
     * Applies one message. Throws {@link ProxyStartException} when an Add could not start its proxy (the pod is
     * now pending) and {@link ZdsProtocolException} when the message is out of sequence or names a bad identity.
     */
    public void process(ZdsMessage message) throws ZdsProtocolException, ProxyStartException {
        try {
            switch (message) {
                case ZdsMessage.Add add -> add(add);
                case ZdsMessage.Keep keep -> {
                    if (snapshotReceived) {
                        throw new ZdsProtocolException(
                                Reason.KEEP_AFTER_SNAPSHOT, "KeepWorkload " + keep.uid() + " after SnapshotSent");
                    }
                    snapshotNames.add(keep.uid());
                }
                case ZdsMessage.Del del -> {
                    if (!snapshotReceived) {
                        // The snapshot reconcile stops a running proxy; a pending one must go now.
                        snapshotNames.remove(del.uid());
                        dropPending(del.uid());
                    } else {
                        delete(del.uid());
                    }
                }
                case ZdsMessage.SnapshotSent s -> {
                    if (snapshotReceived) {
                        throw new ZdsProtocolException(Reason.SNAPSHOT_TWICE, "SnapshotSent received twice");
                    }
                    reconcile();
                    snapshotReceived = true;
                }
            }
        } finally {
            publish();
        }
    }

    private void add(ZdsMessage.Add add) throws ZdsProtocolException, ProxyStartException {
        Netns netns = Netns.adopt(add.netns(), Path.of("zds", add.uid()));
        PodInfo pod;
        try {
            pod = new PodInfo(
                    add.uid(),
                    add.name(),
                    add.namespace(),
                    SpiffeId.of(
                            trustDomainOf.apply(add.namespace(), add.name()), add.namespace(), add.serviceAccount()));
        } catch (InvalidIdentityException e) {
            closeQuietly(netns);
            throw new ZdsProtocolException(
                    Reason.BAD_WORKLOAD_INFO, "AddWorkload " + add.uid() + ": " + e.getMessage(), e);
        }
        if (!snapshotReceived) {
            snapshotNames.add(add.uid());
        }
        start(pod, netns);
    }

    /** Starts {@code pod}, idempotently: the same netns keeps the running proxy, a new netns replaces it. */
    private void start(PodInfo pod, Netns netns) throws ProxyStartException {
        long inode = inodeOf(netns);
        Running existing = running.get(pod.uid());
        if (existing != null) {
            if (inode != -1 && existing.inode() == inode) {
                if (existing.netns() != netns) {
                    closeQuietly(netns);
                }
                return;
            }
            LOG.log(Level.INFO, "pod {0} has a new network namespace; replacing its proxy", pod.uid());
            running.remove(pod.uid());
            stopNow(existing);
        }
        Handle handle;
        try {
            handle = starter.start(pod, netns);
        } catch (IOException | RuntimeException e) {
            Pending old = pending.put(pod.uid(), new Pending(pod, netns));
            if (old != null && old.netns() != netns) {
                closeQuietly(old.netns());
            }
            throw new ProxyStartException(pod.uid(), e);
        }
        Pending old = pending.remove(pod.uid());
        if (old != null && old.netns() != netns) {
            closeQuietly(old.netns());
        }
        running.put(pod.uid(), new Running(pod, netns, inode, handle));
        started.incrementAndGet();
        LOG.log(Level.INFO, "proxy up for pod {0} ({1}/{2})", pod.uid(), pod.namespace(), pod.name());
    }

    /** Retries every pending pod once; returns whether some are still pending. */
    public boolean retryPending() {
        for (Pending p : new ArrayList<>(pending.values())) {
            try {
                start(p.pod(), p.netns());
            } catch (ProxyStartException e) {
                LOG.log(Level.INFO, "retry failed: {0}", e.getMessage());
            }
        }
        publish();
        return hasPending();
    }

    private void reconcile() {
        for (var it = running.entrySet().iterator(); it.hasNext(); ) {
            var e = it.next();
            if (!snapshotNames.contains(e.getKey())) {
                it.remove();
                LOG.log(Level.INFO, "pod {0} not in the snapshot; draining its proxy", e.getKey());
                drainInBackground(e.getValue());
            }
        }
        snapshotNames.clear();
    }

    private void delete(String uid) {
        dropPending(uid);
        Running r = running.remove(uid);
        if (r != null) {
            LOG.log(Level.INFO, "pod {0} deleted; proxy torn down", uid);
            stopNow(r);
        }
    }

    private void dropPending(String uid) {
        Pending p = pending.remove(uid);
        if (p != null) {
            closeQuietly(p.netns());
        }
    }

    private void stopNow(Running r) {
        try {
            r.handle().close();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "closing proxy of pod {0}: {1}", r.pod().uid(), e.toString());
        }
        closeQuietly(r.netns());
        stopped.incrementAndGet();
    }

    private void drainInBackground(Running r) {
        draining.removeIf(t -> !t.isAlive());
        draining.add(Thread.ofVirtual().name("drain-" + r.pod().uid()).start(() -> drain(r)));
    }

    private void drain(Running r) {
        try {
            r.handle().drain(drainDeadline);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "draining proxy of pod {0}: {1}", r.pod().uid(), e.toString());
            r.handle().close();
        }
        closeQuietly(r.netns());
        stopped.incrementAndGet();
    }

    /**
     * Shutdown (SIGTERM), after the ZDS thread stopped: every listener stops accepting at once, then open
     * connections run until the drain deadline and are closed. Returns when all proxies are down.
     */
    public void shutdown() throws InterruptedException {
        List<Running> all = new ArrayList<>(running.values());
        running.clear();
        for (Running r : all) {
            try {
                r.handle().stopAccepting();
            } catch (RuntimeException e) {
                LOG.log(
                        Level.WARNING,
                        "stopping listeners of pod {0}: {1}",
                        r.pod().uid(),
                        e.toString());
            }
        }
        for (Running r : all) {
            draining.add(Thread.ofVirtual().name("drain-" + r.pod().uid()).start(() -> drain(r)));
        }
        for (Pending p : pending.values()) {
            closeQuietly(p.netns());
        }
        pending.clear();
        connected = false;
        publish();
        long until = System.nanoTime() + drainDeadline.plusSeconds(1).toNanos();
        for (Thread t : draining) {
            long left = until - System.nanoTime();
            if (left > 0) {
                t.join(Duration.ofNanos(left));
            }
        }
    }

    private void publish() {
        List<ProxyStatus> proxies = new ArrayList<>();
        for (Running r : running.values()) {
            proxies.add(status(r.pod(), ProxyStatus.State.Up));
        }
        for (Pending p : pending.values()) {
            if (!running.containsKey(p.pod().uid())) {
                proxies.add(status(p.pod(), ProxyStatus.State.Pending));
            }
        }
        proxies.sort(Comparator.comparing(ProxyStatus::uid));
        published = new InpodStatus(connected, snapshotReceived, proxies, started.get(), stopped.get());
    }

    private static ProxyStatus status(PodInfo pod, ProxyStatus.State state) {
        return new ProxyStatus(
                pod.uid(), pod.name(), pod.namespace(), pod.identity().serviceAccount(), state);
    }

    private static long inodeOf(Netns netns) {
        try {
            return netns.inode();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static void closeQuietly(Netns netns) {
        try {
            netns.close();
        } catch (NetException e) {
            LOG.log(Level.DEBUG, "closing {0}: {1}", netns, e.getMessage());
        }
    }
}
