package io.ambient4j.ztunnel.proxy;

import io.ambient4j.common.hbone.HboneException;
import io.ambient4j.common.hbone.HboneHeaders;
import io.ambient4j.common.hbone.HboneRequest;
import io.ambient4j.common.hbone.HboneServer;
import io.ambient4j.common.hbone.HboneStream;
import io.ambient4j.common.hbone.HboneVerdict;
import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.common.net.SocketFactory;
import io.ambient4j.common.relay.Relay;
import io.ambient4j.common.tls.Mtls;
import io.ambient4j.common.tls.TlsException;
import io.ambient4j.common.tls.WorkloadCertificate;
import io.ambient4j.ztunnel.identity.CertificateFetchException;
import io.ambient4j.ztunnel.metrics.ConnectionResult;
import io.ambient4j.ztunnel.metrics.ConnectionResults;
import io.ambient4j.ztunnel.metrics.Direction;
import io.ambient4j.ztunnel.metrics.Reporter;
import io.ambient4j.ztunnel.metrics.ResponseFlags;
import io.ambient4j.ztunnel.metrics.SecurityPolicy;
import io.ambient4j.ztunnel.state.ProxyState;
import io.ambient4j.ztunnel.state.Workload;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLSocket;

/**
 * One mutual-TLS connection accepted on 15008 (ambient-spec §2.3). TLS presents the certificate of the workload that
 * owns the accepted-on IP and requires a client certificate from the mesh's trust domain; then each CONNECT stream
 * goes through the phases of {@link InboundRequest}: validate (400), authorize (401), connect to the application
 * from inside the pod's netns with the client's IP where the kernel allows (503), and only then {@code 200}.
 */
final class InboundHbone implements PodProxy.LiveConnection {
    private static final System.Logger LOG = System.getLogger(InboundHbone.class.getName());

    private final PodProxy proxy;
    private final SocketChannel channel;
    private volatile HboneServer server;

    InboundHbone(PodProxy proxy, SocketChannel channel) {
        this.proxy = proxy;
        this.channel = channel;
    }

    void run() throws IOException {
        ProxyContext ctx = proxy.ctx;
        InetSocketAddress tcpSrc = (InetSocketAddress) channel.getRemoteAddress();
        InetSocketAddress tcpDst = (InetSocketAddress) channel.getLocalAddress();
        Optional<Workload> local = proxy.localWorkload(ctx.state().current(), tcpDst.getAddress());
        SpiffeId identity = local.map(Workload::identity).orElse(proxy.pod.identity());
        WorkloadCertificate cert;
        try {
            cert = ctx.certs().get(identity, ctx.settings().certificateWait());
        } catch (CertificateFetchException e) {
            LOG.log(Level.WARNING, "inbound from {0}: no certificate for {1}: {2}", tcpSrc, identity, e.getMessage());
            AppSide.reset(channel);
            return;
        }
        Mtls.Accepted accepted;
        try {
            accepted = Mtls.acceptMutual(
                    channel.socket(),
                    cert.certifiedKey(),
                    cert.roots(),
                    cert.identity().trustDomain());
        } catch (IOException | TlsException e) {
            LOG.log(Level.WARNING, "inbound TLS from {0} failed: {1}", tcpSrc, e.getMessage());
            return;
        }
        SSLSocket tls = accepted.socket();
        SpiffeId peer = accepted.peer();
        HboneServer s = HboneServer.create(ctx.settings().hbone(), req -> handle(req, tcpSrc, tcpDst, peer));
        server = s;
        proxy.register(this);
        try {
            s.serve(tls);
        } catch (HboneException e) {
            LOG.log(Level.DEBUG, "inbound HBONE connection from {0} ended: {1}", tcpSrc, e.getMessage());
        } finally {
            proxy.unregister(this);
            tls.close();
        }
    }

    private HboneVerdict handle(HboneRequest req, InetSocketAddress tcpSrc, InetSocketAddress tcpDst, SpiffeId peer) {
        long start = System.nanoTime();
        ProxyContext ctx = proxy.ctx;
        ProxyState state = ctx.state().current();
        HboneHeaders h = req.headers();
        InboundRequest ir;
        try {
            ir = InboundRequest.build(
                    state,
                    ctx.settings().network(),
                    new InboundRequest.Connect(
                            "CONNECT",
                            req.authority(),
                            ConnectHeaders.forwardedHost(h.first("forwarded")),
                            h.first("x-forwarded-network")),
                    proxy.localWorkload(state, tcpDst.getAddress()),
                    tcpSrc,
                    tcpDst,
                    Optional.of(peer));
        } catch (InboundRejection r) {
            ctx.telemetry().refused(early(req, tcpSrc, tcpDst, peer, r, start));
            return HboneVerdict.reject(r.status());
        }
        ConnectionResult base = ConnectionResults.inbound(ir, tcpDst);
        try {
            ir.authorize(state);
        } catch (InboundRejection r) {
            return refuse(base, r, start);
        }
        if (ir.tunnelTarget().isPresent()) {
            return refuse(
                    base,
                    new InboundRejection(
                            InboundRejection.Reason.CONNECT_FAILED,
                            "PROXY-protocol application tunnels are not supported yet"),
                    start);
        }
        SocketChannel app;
        try {
            app = connectApp(ir.upstream(), tcpSrc);
        } catch (IOException e) {
            return refuse(base, ir.connectFailed(e), start);
        }
        ctx.telemetry().opened(base);
        HboneHeaders reply = ctx.settings().enableResponseBaggage()
                ? HboneHeaders.of(
                        "baggage",
                        ConnectHeaders.baggage(
                                ir.destinationWorkload(), ctx.settings().clusterId()))
                : HboneHeaders.empty();
        return HboneVerdict.accept(reply, stream -> tunnel(stream, app, ir, base, start));
    }

    private void tunnel(HboneStream stream, SocketChannel app, InboundRequest ir, ConnectionResult base, long start) {
        ProxyContext ctx = proxy.ctx;
        AppSide appSide = new AppSide(app);
        ConnectionManager.Tracked tracked = ctx.connections().track(ir.rbac(), ir.destinationWorkload(), () -> {
            stream.reset();
            appSide.reset();
        });
        Relay.Result r;
        try {
            r = Relay.relay(stream.relaySide(), appSide, stream.preferredWriteSize(), stream.preferredWriteSize());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            r = new Relay.Result(0, 0, new IOException("interrupted"));
        } finally {
            tracked.close();
        }
        ResponseFlags flags =
                tracked.revoked() ? ResponseFlags.DENY : r.clean() ? ResponseFlags.NONE : ResponseFlags.CONNECT;
        Optional<String> error = tracked.revoked()
                ? Optional.of("closed: authorization policy changed")
                : r.clean()
                        ? Optional.empty()
                        : Optional.of(String.valueOf(r.error().getMessage()));
        ctx.telemetry().completed(base.completed(flags, r.bToA(), r.aToB(), OutboundConnection.since(start), error));
    }

    /** Connects to the app inside the pod netns, from the client's IP unless ENABLE_ORIG_SRC=false. */
    private SocketChannel connectApp(InetSocketAddress upstream, InetSocketAddress client) throws IOException {
        Optional<Boolean> origSrc = proxy.ctx.settings().enableOrigSrc();
        SocketFactory sockets = proxy.sockets;
        SocketChannel app;
        if (origSrc.isPresent() && !origSrc.get()) {
            app = sockets.connect(upstream);
        } else {
            app = sockets.connectFrom(upstream, client.getAddress());
            if (origSrc.orElse(false) && !SocketFactory.spoofed(app, client.getAddress())) {
                app.close();
                throw new IOException("ENABLE_ORIG_SRC=true but the kernel refused source " + client.getAddress());
            }
        }
        app.setOption(StandardSocketOptions.TCP_NODELAY, true);
        return app;
    }

    private HboneVerdict refuse(ConnectionResult base, InboundRejection r, long start) {
        ResponseFlags flags = flag(r);
        proxy.ctx
                .telemetry()
                .refused(base.completed(flags, 0, 0, OutboundConnection.since(start), Optional.of(r.getMessage())));
        return HboneVerdict.reject(r.status());
    }

    private static ResponseFlags flag(InboundRejection r) {
        return switch (r.reason()) {
            case DENIED -> ResponseFlags.DENY;
            case CONNECT_FAILED -> ResponseFlags.CONNECT;
            default -> ResponseFlags.NONE;
        };
    }

    private ConnectionResult early(
            HboneRequest req,
            InetSocketAddress tcpSrc,
            InetSocketAddress tcpDst,
            SpiffeId peer,
            InboundRejection r,
            long start) {
        return new ConnectionResult(
                Reporter.DESTINATION,
                Direction.INBOUND,
                tcpSrc,
                tcpDst,
                Optional.of(req.authority()),
                Optional.empty(),
                Optional.of(peer),
                proxy.localWorkload(proxy.ctx.state().current(), tcpDst.getAddress()),
                Optional.empty(),
                SecurityPolicy.MUTUAL_TLS,
                flag(r),
                0,
                0,
                OutboundConnection.since(start),
                Optional.of(r.getMessage()));
    }

    @Override
    public void drain(Duration deadline) {
        HboneServer s = server;
        if (s != null) {
            Thread.ofVirtual().name("hbone-drain").start(() -> s.drain(deadline));
        }
    }

    @Override
    public void close() {
        AppSide.reset(channel);
    }
}
