package io.ambient4j.ztunnel.proxy;

import io.ambient4j.common.net.SocketFactory;
import io.ambient4j.ztunnel.dns.DnsProxies;
import io.ambient4j.ztunnel.identity.CertManager;
import io.ambient4j.ztunnel.metrics.ConnectionTelemetry;
import io.ambient4j.ztunnel.state.ProxyState;
import io.ambient4j.ztunnel.state.StateUpdater;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.Optional;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The data path behind {@link WorkloadProxyFactory}: for each pod in-pod mode hands over, one {@link PodProxy} with
 * its 15001/15006/15008 listeners, its HBONE pool and, when DNS capture is on, its DNS proxy on 15053. All pods share the state snapshot, the certificate manager,
 * telemetry and one {@link ConnectionManager}. After every state update a dedicated thread (so the xDS writer never
 * waits) re-checks open connections against the new policies and pre-fetches certificates for workloads on this
 * node.
 */
public final class WorkloadProxies implements WorkloadProxyFactory, AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WorkloadProxies.class.getName());

    private final ProxyContext ctx;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition updated = lock.newCondition();
    private long seenVersion;
    private long pendingVersion;
    private boolean closed;
    private final Thread rechecker;

    /** Without a DNS proxy (direct tests, where every pod shares the host's loopback). */
    public WorkloadProxies(
            StateUpdater state,
            CertManager certs,
            ConnectionTelemetry telemetry,
            ProxySettings settings,
            DestinationLookup destinations) {
        this(state, certs, telemetry, settings, destinations, Optional.empty());
    }

    /** With {@code dns} present, each pod also gets its DNS proxy, started and stopped with its listeners. */
    public WorkloadProxies(
            StateUpdater state,
            CertManager certs,
            ConnectionTelemetry telemetry,
            ProxySettings settings,
            DestinationLookup destinations,
            Optional<DnsProxies> dns) {
        this.ctx = new ProxyContext(
                state,
                certs,
                telemetry,
                settings,
                destinations,
                RandomSource.threadLocal(),
                new ConnectionManager(),
                dns);
        state.onUpdate(s -> {
            lock.lock();
            try {
                pendingVersion++;
                updated.signalAll();
            } finally {
                lock.unlock();
            }
        });
        this.rechecker = Thread.ofVirtual().name("connection-manager").start(this::recheckLoop);
    }

    @Override
    public Handle start(PodInfo pod, SocketFactory sockets) throws IOException {
        return PodProxy.start(ctx, pod, sockets);
    }

    /** Open inbound connections being watched for policy changes (tests, admin). */
    public ConnectionManager connections() {
        return ctx.connections();
    }

    private void recheckLoop() {
        while (true) {
            lock.lock();
            try {
                while (!closed && pendingVersion == seenVersion) {
                    updated.await();
                }
                if (closed) {
                    return;
                }
                seenVersion = pendingVersion;
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            try {
                ProxyState now = ctx.state().current();
                ctx.connections().recheck(now);
                ctx.certs().prefetchNode(now, ctx.settings().nodeName());
            } catch (RuntimeException e) {
                LOG.log(Level.ERROR, "re-checking open connections failed", e);
            }
        }
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            updated.signalAll();
        } finally {
            lock.unlock();
        }
        rechecker.interrupt();
    }
}
