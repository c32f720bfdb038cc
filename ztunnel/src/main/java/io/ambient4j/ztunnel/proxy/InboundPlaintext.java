package io.ambient4j.ztunnel.proxy;

import io.ambient4j.common.relay.Relay;
import io.ambient4j.ztunnel.metrics.ConnectionResult;
import io.ambient4j.ztunnel.metrics.Direction;
import io.ambient4j.ztunnel.metrics.Reporter;
import io.ambient4j.ztunnel.metrics.ResponseFlags;
import io.ambient4j.ztunnel.metrics.SecurityPolicy;
import io.ambient4j.ztunnel.rbac.Authorizer;
import io.ambient4j.ztunnel.rbac.Connection;
import io.ambient4j.ztunnel.rbac.Decision;
import io.ambient4j.ztunnel.state.NetworkAddress;
import io.ambient4j.ztunnel.state.ProxyState;
import io.ambient4j.ztunnel.state.Workload;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.Optional;

/**
 * One plaintext connection accepted on 15006 (a caller outside the mesh). It has no identity, so authorization sees
 * none: with no policy (PERMISSIVE) it passes; the policy istiod converts from a STRICT PeerAuthentication denies it
 * and the client is reset (C063, C078). Allowed connections are tracked so a later STRICT closes them too.
 */
final class InboundPlaintext implements PodProxy.LiveConnection {
    private static final System.Logger LOG = System.getLogger(InboundPlaintext.class.getName());

    private final PodProxy proxy;
    private final SocketChannel client;
    private volatile SocketChannel app;

    InboundPlaintext(PodProxy proxy, SocketChannel client) {
        this.proxy = proxy;
        this.client = client;
    }

    void run() throws IOException, InterruptedException {
        long start = System.nanoTime();
        ProxyContext ctx = proxy.ctx;
        InetSocketAddress from = (InetSocketAddress) client.getRemoteAddress();
        InetSocketAddress dst = ctx.destinations().inboundPlaintext(proxy.pod, client);
        ProxyState state = ctx.state().current();
        Optional<Workload> local = proxy.localWorkload(state, dst.getAddress());
        Optional<Workload> source =
                state.workloadByAddress(new NetworkAddress(ctx.settings().network(), from.getAddress()));
        ConnectionResult base = new ConnectionResult(
                Reporter.DESTINATION,
                Direction.INBOUND,
                from,
                dst,
                Optional.empty(),
                source,
                Optional.empty(),
                local,
                Optional.empty(),
                SecurityPolicy.UNKNOWN,
                ResponseFlags.NONE,
                0,
                0,
                java.time.Duration.ZERO,
                Optional.empty());
        if (Ports.ILLEGAL.contains(dst.getPort())) {
            refuse(base, ResponseFlags.CONNECT, "refusing a call to ztunnel's own port " + dst.getPort(), start);
            return;
        }
        if (local.isEmpty()) {
            refuse(
                    base,
                    ResponseFlags.CONNECT,
                    "no workload known for " + dst.getAddress().getHostAddress(),
                    start);
            return;
        }
        Connection rbac = new Connection(from, dst, Optional.empty());
        Decision d = Authorizer.evaluate(rbac, state.applicablePolicies(local.get()));
        if (!d.allowed()) {
            refuse(
                    base,
                    ResponseFlags.DENY,
                    d.outcome() + d.policy().map(p -> " by " + p).orElse("") + ": " + rbac,
                    start);
            return;
        }
        SocketChannel upstream;
        try {
            upstream = proxy.sockets.connectFrom(dst, from.getAddress());
            upstream.setOption(StandardSocketOptions.TCP_NODELAY, true);
        } catch (IOException e) {
            refuse(base, ResponseFlags.CONNECT, "connect to " + Authority.of(dst) + ": " + e.getMessage(), start);
            return;
        }
        app = upstream;
        proxy.register(this);
        ConnectionManager.Tracked tracked = ctx.connections().track(rbac, local.get(), this::close);
        ctx.telemetry().opened(base);
        Relay.Result r;
        try {
            r = Relay.relay(new AppSide(client), new AppSide(upstream));
        } finally {
            tracked.close();
            proxy.unregister(this);
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

    private void refuse(ConnectionResult base, ResponseFlags flags, String why, long start) {
        LOG.log(Level.DEBUG, "plaintext inbound refused: {0}", why);
        proxy.ctx.telemetry().refused(base.completed(flags, 0, 0, OutboundConnection.since(start), Optional.of(why)));
        AppSide.reset(client);
    }

    @Override
    public void close() {
        AppSide.reset(client);
        SocketChannel a = app;
        if (a != null) {
            AppSide.reset(a);
        }
    }
}
