package io.ambient4j.waypoint.proxy;

import io.ambient4j.common.hbone.HboneHeaders;
import io.ambient4j.common.hbone.HboneRequest;
import io.ambient4j.common.hbone.HboneStream;
import io.ambient4j.common.hbone.HboneVerdict;
import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.common.relay.Relay;
import io.ambient4j.waypoint.http.HttpInput;
import io.ambient4j.waypoint.metrics.AccessLog;
import io.ambient4j.waypoint.metrics.Peer;
import io.ambient4j.waypoint.policy.Authorizer;
import io.ambient4j.waypoint.policy.Decision;
import io.ambient4j.waypoint.policy.RequestAttributes;
import io.ambient4j.waypoint.policy.TcpPolicies;
import io.ambient4j.waypoint.state.PortProtocol;
import io.ambient4j.ztunnel.state.NetworkAddress;
import io.ambient4j.ztunnel.state.ProxyState;
import io.ambient4j.ztunnel.state.Service;
import io.ambient4j.ztunnel.state.Workload;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * One CONNECT stream arriving at the waypoint (ambient-spec §7.3): the {@code :authority} must name a service VIP or a
 * workload this waypoint knows (else 503 before any byte flows); after {@code 200} the first bytes decide between the
 * HTTP path ({@link HttpSession}) and an L4 relay to an endpoint.
 */
final class TunnelHandler {
    private static final System.Logger LOG = System.getLogger(TunnelHandler.class.getName());

    private final ProxyContext ctx;

    TunnelHandler(ProxyContext ctx) {
        this.ctx = ctx;
    }

    HboneVerdict handle(HboneRequest req, InetSocketAddress client, SpiffeId peer) {
        InetAddress ip;
        try {
            ip = InetAddress.ofLiteral(req.host());
        } catch (IllegalArgumentException e) {
            LOG.log(Level.WARNING, "CONNECT {0} from {1}: authority is not an IP", req.authority(), peer);
            return HboneVerdict.reject(400);
        }
        ProxyState mesh = ctx.state().snapshot().mesh();
        Optional<Destination> dest = Destination.resolve(mesh, ctx.network(), ip, req.port());
        if (dest.isEmpty()) {
            LOG.log(
                    Level.WARNING,
                    "CONNECT {0} from {1}: no service or workload has that address",
                    req.authority(),
                    peer);
            return HboneVerdict.reject(503);
        }
        Binding.Verdict binding = Binding.check(mesh, ctx.network(), ctx.self(), dest.get());
        if (binding == Binding.Verdict.NOT_SERVED) {
            LOG.log(
                    Level.WARNING,
                    "CONNECT {0} from {1}: not bound to this waypoint; refused (it would bypass its own waypoint)",
                    req.authority(),
                    peer);
            return HboneVerdict.reject(503);
        }
        if (binding == Binding.Verdict.SELF_UNKNOWN) {
            // Fail closed: without its own workload the waypoint cannot tell what is bound to it (and is not ready).
            LOG.log(
                    Level.WARNING,
                    "CONNECT {0} from {1}: this waypoint ({2}) is not in its xDS state yet; refused",
                    req.authority(),
                    peer,
                    ctx.self().getHostAddress());
            return HboneVerdict.reject(503);
        }
        return HboneVerdict.accept(HboneHeaders.empty(), stream -> serve(stream, dest.get(), client, peer));
    }

    private void serve(HboneStream stream, Destination dest, InetSocketAddress client, SpiffeId peer)
            throws IOException {
        HttpInput in = new HttpInput(stream.input());
        PortProtocol declared = dest instanceof Destination.ToService s
                ? ctx.state().snapshot().protocol(s.service().resourceName(), s.port())
                : PortProtocol.UNDECLARED;
        try {
            Sniffer.Protocol detected = switch (declared) {
                // Declared opaque: relay without waiting for client bytes (server-first protocols).
                case OPAQUE -> Sniffer.Protocol.OPAQUE;
                case HTTP1, UNDECLARED -> Sniffer.detect(in);
            };
            switch (detected) {
                case EMPTY -> {}
                case HTTP1 ->
                    new HttpSession(ctx, dest, client, peer, in, new BufferedOutputStream(stream.output(), 16 * 1024))
                            .run();
                case OPAQUE -> relayL4(stream, in, dest, client, peer);
            }
        } finally {
            closeGracefully(stream);
        }
    }

    private static InetAddress destIp(Destination d) {
        return switch (d) {
            case Destination.ToService s ->
                s.service().vips().isEmpty()
                        ? InetAddress.getLoopbackAddress()
                        : s.service().vips().getFirst().address();
            case Destination.ToWorkload w -> w.workload().addresses().getFirst();
        };
    }

    /** How long a tunnel we finished may take to finish its side before it is reset. */
    static final java.time.Duration LINGER = java.time.Duration.ofSeconds(5);

    /**
     * Ends our direction (END_STREAM) so the client reads the last response in full, then discards what the client
     * still sends until it ends its side, resetting the stream if it has not done so within {@link #LINGER}. A reset
     * right away could overtake the response (a lingering close, as HTTP servers do on TCP).
     */
    private void closeGracefully(HboneStream stream) {
        java.util.concurrent.ScheduledFuture<?> reset =
                ctx.timers().schedule(stream::reset, LINGER.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS);
        try {
            stream.output().close();
            byte[] sink = new byte[4096];
            while (stream.input().read(sink) >= 0) {
                // discard
            }
        } catch (IOException e) {
            // reset by the peer or by the linger timer: nothing left to deliver
        } finally {
            reset.cancel(false);
            stream.close();
        }
    }

    private void relayL4(HboneStream down, HttpInput in, Destination dest, InetSocketAddress client, SpiffeId peer)
            throws IOException {
        long start = System.nanoTime();
        ProxyState mesh = ctx.state().snapshot().mesh();
        Optional<Service> svc = dest instanceof Destination.ToService s ? Optional.of(s.service()) : Optional.empty();
        Optional<Endpoints.Target> target = switch (dest) {
            case Destination.ToService s -> Endpoints.pick(mesh, s.service(), s.port(), ctx.random());
            case Destination.ToWorkload w -> Optional.of(new Endpoints.Target(w.workload(), w.port()));
        };
        Optional<Workload> source = mesh.workloadByAddress(new NetworkAddress(ctx.network(), client.getAddress()));
        Peer base = new Peer(source, Optional.of(peer), svc, target.map(Endpoints.Target::workload));
        Decision d = Authorizer.decide(
                TcpPolicies.forTcp(ctx.state().snapshot().l7().policyList()),
                new RequestAttributes(
                        Optional.of(peer),
                        client.getAddress(),
                        HttpSession.serviceKey(dest),
                        destIp(dest),
                        dest.port(),
                        "",
                        "",
                        "",
                        java.util.Map.of()));
        if (!d.allowed()) {
            LOG.log(Level.INFO, "L4 tunnel from {0} ({1}) to {2} denied: {3}", client, peer, dest, d.reason());
            ctx.metrics().tcpClosed(base, "DENY", 0, 0);
            down.reset();
            return;
        }
        if (target.isEmpty()) {
            ctx.metrics().tcpClosed(base, "UH", 0, 0);
            down.reset();
            return;
        }
        UpstreamConnection up;
        try {
            up = ctx.upstreams()
                    .open(
                            target.get().workload(),
                            target.get().port(),
                            svc,
                            HboneHeaders.of(
                                    "forwarded",
                                    "for=\"" + client.getAddress().getHostAddress() + ":" + client.getPort() + "\""));
        } catch (UpstreamException e) {
            LOG.log(Level.WARNING, "L4 tunnel from {0}: {1}", client, e.getMessage());
            ctx.metrics().tcpClosed(base, "UF", 0, 0);
            down.reset();
            return;
        }
        ctx.metrics().tcpOpened(base);
        Relay.Result r;
        byte[] first = in.drainBuffered();
        try {
            up.output().write(first);
            up.output().flush();
            r = Relay.relay(down.relaySide(), up.relaySide());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            r = new Relay.Result(0, 0, new IOException("interrupted"));
        } catch (IOException e) {
            r = new Relay.Result(0, 0, e);
        } finally {
            up.close();
        }
        long recv = first.length + r.aToB();
        ctx.metrics().tcpClosed(base, r.clean() ? "-" : "UC", recv, r.bToA());
        String upstream = target.get().workload().addresses().getFirst().getHostAddress() + ":"
                + target.get().port();
        AccessLog.tcp(
                base,
                client.getAddress().getHostAddress() + ":" + client.getPort(),
                upstream,
                recv,
                r.bToA(),
                (System.nanoTime() - start) / 1_000_000);
    }
}
