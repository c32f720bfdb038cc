package io.ambient4j.ztunnel.proxy;

import io.ambient4j.common.hbone.HbonePool;
import io.ambient4j.common.net.SocketFactory;
import io.ambient4j.ztunnel.dns.DnsClient;
import io.ambient4j.ztunnel.dns.DnsServer;
import io.ambient4j.ztunnel.state.NetworkAddress;
import io.ambient4j.ztunnel.state.ProxyState;
import io.ambient4j.ztunnel.state.Workload;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One pod's proxy: its three listeners (and its DNS proxy when DNS capture is on) opened through the pod's
 * {@link SocketFactory} (so in-pod mode puts them in the pod's netns), one virtual thread per accepted connection, and the pod's own HBONE pool (ambient-spec §2.5: one
 * pool per proxied workload). Tracks its open connections so drain and teardown reach every one.
 */
final class PodProxy implements WorkloadProxyFactory.Handle {
    private static final System.Logger LOG = System.getLogger(PodProxy.class.getName());
    private static final int BACKLOG = 1024;

    final ProxyContext ctx;
    final WorkloadProxyFactory.PodInfo pod;
    final SocketFactory sockets;
    final HbonePool pool;
    private final List<ServerSocketChannel> listeners = new ArrayList<>();
    private final List<Thread> acceptors = new ArrayList<>();
    private final Set<LiveConnection> live = ConcurrentHashMap.newKeySet();
    private final ReentrantLock liveLock = new ReentrantLock();
    private final Condition liveChanged = liveLock.newCondition();
    private volatile CachedSource cachedSource;
    private volatile DnsServer dns;

    /** Something open that drain must wait for and teardown must close. */
    interface LiveConnection {
        /** Asks the peer to finish (HBONE GOAWAY); plain TCP has nothing to say. */
        default void drain(Duration deadline) {}

        void close();
    }

    private record CachedSource(ProxyState state, Optional<Workload> workload) {}

    private PodProxy(ProxyContext ctx, WorkloadProxyFactory.PodInfo pod, SocketFactory sockets) {
        this.ctx = ctx;
        this.pod = pod;
        this.sockets = sockets;
        this.pool = HbonePool.create(
                new PoolConnector(ctx, sockets),
                ctx.settings().hbone(),
                ctx.settings().poolMaxStreamsPerConnection(),
                ctx.settings().poolUnusedReleaseTimeout());
    }

    static PodProxy start(ProxyContext ctx, WorkloadProxyFactory.PodInfo pod, SocketFactory sockets)
            throws IOException {
        PodProxy p = new PodProxy(ctx, pod, sockets);
        try {
            InetAddress bind = ctx.settings().bindAddress().apply(pod);
            ServerSocketChannel outbound = p.listen(bind, Ports.OUTBOUND);
            ServerSocketChannel plaintext = p.listen(bind, Ports.INBOUND_PLAINTEXT);
            ServerSocketChannel hbone = p.listen(bind, Ports.HBONE);
            p.acceptLoop(outbound, "outbound", c -> new OutboundConnection(p, c).run());
            p.acceptLoop(plaintext, "inbound-plaintext", c -> new InboundPlaintext(p, c).run());
            p.acceptLoop(hbone, "inbound-hbone", c -> new InboundHbone(p, c).run());
            if (ctx.dns().isPresent()) {
                p.dns = ctx.dns().get().start(p::dnsClient, sockets, pod.name());
            }
            // A certificate for the pod is wanted by its first connection either way: fetch it now.
            ctx.certs().prefetch(pod.identity());
        } catch (IOException | RuntimeException e) {
            p.close();
            throw e;
        }
        LOG.log(Level.INFO, "proxy started for pod {0}/{1}", pod.namespace(), pod.name());
        return p;
    }

    private ServerSocketChannel listen(InetAddress bind, int port) throws IOException {
        ServerSocketChannel s = sockets.listen(new InetSocketAddress(bind, port), BACKLOG);
        listeners.add(s);
        return s;
    }

    @FunctionalInterface
    private interface ConnectionTask {
        void run(SocketChannel accepted) throws Exception;
    }

    private void acceptLoop(ServerSocketChannel server, String name, ConnectionTask task) {
        acceptors.add(Thread.ofVirtual().name(name + "-accept-" + pod.name()).start(() -> {
            while (server.isOpen()) {
                SocketChannel c;
                try {
                    c = server.accept();
                } catch (ClosedChannelException e) {
                    return;
                } catch (IOException e) {
                    LOG.log(Level.WARNING, "{0} accept failed for {1}: {2}", name, pod.name(), e.getMessage());
                    continue;
                }
                // Live from here, not only once its handler registers it: a drain that starts in between must
                // wait for it, or it closes the pool under a connection it accepted (C134).
                LiveConnection accepted = () -> AppSide.reset(c);
                register(accepted);
                Thread.ofVirtual().name(name + "-" + pod.name()).start(() -> {
                    try {
                        c.setOption(java.net.StandardSocketOptions.TCP_NODELAY, true);
                        task.run(c);
                    } catch (Exception e) {
                        LOG.log(Level.WARNING, "{0} connection failed for {1}: {2}", name, pod.name(), e.toString());
                        AppSide.reset(c);
                    } finally {
                        unregister(accepted);
                    }
                });
            }
        }));
    }

    void register(LiveConnection c) {
        live.add(c);
    }

    void unregister(LiveConnection c) {
        liveLock.lock();
        try {
            live.remove(c);
            liveChanged.signalAll();
        } finally {
            liveLock.unlock();
        }
    }

    /**
     * The workload whose traffic this proxy carries, found in the current state by pod name and namespace (the xDS
     * uid is not the Kubernetes uid ZDS knows); cached per snapshot.
     */
    Optional<Workload> sourceWorkload(ProxyState state) {
        CachedSource c = cachedSource;
        if (c != null && c.state == state) {
            return c.workload;
        }
        Optional<Workload> w = state.workloads().stream()
                .filter(x -> x.namespace().equals(pod.namespace()) && x.name().equals(pod.name()))
                .findFirst();
        cachedSource = new CachedSource(state, w);
        return w;
    }

    /** The pod as its DNS proxy sees it: its xDS workload once known, else namespace and network from ZDS. */
    DnsClient dnsClient() {
        return DnsClient.of(
                sourceWorkload(ctx.state().current()),
                pod.namespace(),
                ctx.settings().network());
    }

    /** The local workload an inbound connection is for: the one owning the accepted-on IP, else this pod's. */
    Optional<Workload> localWorkload(ProxyState state, InetAddress localIp) {
        Optional<Workload> byIp =
                state.workloadByAddress(new NetworkAddress(ctx.settings().network(), localIp));
        return byIp.isPresent() ? byIp : sourceWorkload(state);
    }

    @Override
    public void stopAccepting() {
        DnsServer d = dns;
        if (d != null) {
            d.close();
        }
        for (ServerSocketChannel s : listeners) {
            try {
                s.close();
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "closing listener: {0}", e.getMessage());
            }
        }
        // A channel closed under a thread blocked in accept is released when that thread leaves accept: wait for
        // it, so the ports are really closed (and free for a new ztunnel) when this returns.
        for (Thread t : acceptors) {
            if (t != Thread.currentThread()) {
                try {
                    t.join(Duration.ofSeconds(5));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    @Override
    public void drain(Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        stopAccepting();
        for (LiveConnection c : List.copyOf(live)) {
            c.drain(deadline);
        }
        liveLock.lock();
        try {
            long left;
            while (!live.isEmpty() && (left = end - System.nanoTime()) > 0) {
                liveChanged.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            liveLock.unlock();
        }
        close();
    }

    @Override
    public void close() {
        stopAccepting();
        for (LiveConnection c : List.copyOf(live)) {
            c.close();
        }
        live.clear();
        pool.close();
        LOG.log(Level.INFO, "proxy stopped for pod {0}/{1}", pod.namespace(), pod.name());
    }
}
