package io.ambient4j.waypoint.proxy;

import io.ambient4j.common.hbone.HboneException;
import io.ambient4j.common.hbone.HboneServer;
import io.ambient4j.common.hbone.HboneSettings;
import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.common.tls.Mtls;
import io.ambient4j.common.tls.TlsException;
import io.ambient4j.common.tls.WorkloadCertificate;
import io.ambient4j.waypoint.metrics.WaypointMetrics;
import io.ambient4j.waypoint.state.WaypointState;
import io.ambient4j.ztunnel.identity.CertManager;
import io.ambient4j.ztunnel.identity.CertificateFetchException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.IntUnaryOperator;
import javax.net.ssl.SSLSocket;

/**
 * The waypoint's HBONE listener (port 15008): accepts TCP, completes mutual TLS with the waypoint's own certificate
 * while requiring a client certificate from the mesh's trust domain (as ztunnel's inbound does; a TLS-only peer is
 * never accepted), and serves each connection's CONNECT streams through a {@link TunnelHandler}. {@link #drain}
 * stops accepting and lets open tunnels finish until the deadline (SIGTERM).
 */
public final class WaypointListener implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(WaypointListener.class.getName());
    private static final Duration CERT_WAIT = Duration.ofSeconds(10);

    private final ServerSocket server;
    private final CertManager certs;
    private final SpiffeId identity;
    private final TunnelHandler handler;
    private final Upstreams upstreams;
    private final ScheduledExecutorService timers;
    private final Set<HboneServer> live = ConcurrentHashMap.newKeySet();
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final Thread acceptor;

    private WaypointListener(
            ServerSocket server,
            CertManager certs,
            SpiffeId identity,
            ProxyContext ctx,
            Upstreams upstreams,
            ScheduledExecutorService timers) {
        this.server = server;
        this.certs = certs;
        this.identity = identity;
        this.handler = new TunnelHandler(ctx);
        this.upstreams = upstreams;
        this.timers = timers;
        this.acceptor = Thread.ofVirtual().name("waypoint-accept").start(this::acceptLoop);
    }

    /**
     * Binds {@code listen} and starts accepting.
     *
     * @param upstreamHbonePort the port endpoints accept HBONE on (15008; another port only in tests)
     */
    public static WaypointListener start(
            InetSocketAddress listen,
            CertManager certs,
            SpiffeId identity,
            WaypointState state,
            WaypointMetrics metrics,
            String network,
            java.net.InetAddress self,
            int upstreamHbonePort)
            throws IOException {
        SecureRandom random = new SecureRandom();
        return start(listen, certs, identity, state, metrics, network, self, upstreamHbonePort, random::nextInt);
    }

    /** As {@link #start}, with the random source for weighted and endpoint choices given (tests). */
    public static WaypointListener start(
            InetSocketAddress listen,
            CertManager certs,
            SpiffeId identity,
            WaypointState state,
            WaypointMetrics metrics,
            String network,
            java.net.InetAddress self,
            int upstreamHbonePort,
            IntUnaryOperator random)
            throws IOException {
        ServerSocket ss = new ServerSocket();
        ss.setReuseAddress(true);
        ss.bind(listen, 1024);
        Upstreams upstreams = new Upstreams(certs, identity, upstreamHbonePort);
        ScheduledExecutorService timers = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().name("waypoint-timeouts").daemon().factory());
        ProxyContext ctx = new ProxyContext(state, upstreams, metrics, network, self, timers, random);
        return new WaypointListener(ss, certs, identity, ctx, upstreams, timers);
    }

    public int port() {
        return server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket s;
            try {
                s = server.accept();
            } catch (IOException e) {
                if (!server.isClosed()) {
                    LOG.log(Level.WARNING, "accept on {0} failed: {1}", server.getLocalSocketAddress(), e.toString());
                }
                continue;
            }
            Thread.ofVirtual().name("waypoint-conn").start(() -> serve(s));
        }
    }

    private void serve(Socket socket) {
        sockets.add(socket);
        InetSocketAddress peerAddr = (InetSocketAddress) socket.getRemoteSocketAddress();
        try {
            WorkloadCertificate cert = certs.get(identity, CERT_WAIT);
            socket.setTcpNoDelay(true);
            Mtls.Accepted accepted;
            try {
                accepted = Mtls.acceptMutual(socket, cert.certifiedKey(), cert.roots(), identity.trustDomain());
            } catch (IOException | TlsException e) {
                LOG.log(Level.WARNING, "HBONE TLS from {0} failed: {1}", peerAddr, e.getMessage());
                return;
            }
            SSLSocket tls = accepted.socket();
            SpiffeId peer = accepted.peer();
            HboneServer hbone =
                    HboneServer.create(HboneSettings.defaults(), req -> handler.handle(req, peerAddr, peer));
            live.add(hbone);
            try {
                hbone.serve(tls);
            } catch (HboneException e) {
                LOG.log(Level.DEBUG, "HBONE connection from {0} ended: {1}", peerAddr, e.getMessage());
            } finally {
                live.remove(hbone);
                tls.close();
            }
        } catch (CertificateFetchException e) {
            LOG.log(Level.WARNING, "HBONE from {0}: no certificate yet: {1}", peerAddr, e.getMessage());
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "HBONE connection from {0} failed: {1}", peerAddr, e.getMessage());
        } finally {
            sockets.remove(socket);
            try {
                socket.close();
            } catch (IOException e) {
                // already closed by the TLS layer
            }
        }
    }

    /** Connections being served. */
    public int connectionCount() {
        return sockets.size();
    }

    /**
     * SIGTERM: stop accepting, send GOAWAY on every connection so clients open new tunnels elsewhere, let tunnels in
     * flight finish until {@code deadline}, then close what remains. Returns how many connections were cut.
     */
    public int drain(Duration deadline) throws InterruptedException {
        closeServer();
        List<Thread> drains = new ArrayList<>();
        java.util.concurrent.atomic.AtomicInteger cut = new java.util.concurrent.atomic.AtomicInteger();
        for (HboneServer s : List.copyOf(live)) {
            drains.add(Thread.ofVirtual().name("waypoint-drain").start(() -> cut.addAndGet(s.drain(deadline))));
        }
        for (Thread t : drains) {
            t.join(deadline.plusSeconds(5));
        }
        return cut.get();
    }

    private void closeServer() {
        try {
            server.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing the listener: {0}", e.toString());
        }
    }

    @Override
    public void close() {
        closeServer();
        for (Socket s : List.copyOf(sockets)) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        upstreams.close();
        timers.shutdownNow();
        try {
            acceptor.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
