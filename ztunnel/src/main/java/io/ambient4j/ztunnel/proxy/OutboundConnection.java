package io.ambient4j.ztunnel.proxy;

import io.ambient4j.common.hbone.HboneException;
import io.ambient4j.common.hbone.HbonePool;
import io.ambient4j.common.hbone.HboneStream;
import io.ambient4j.common.relay.Relay;
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
import java.util.Set;
import javax.net.ssl.SSLException;

/**
 * One connection captured on 15001, end to end (style.md "One connection, end to end"): original destination, the
 * pure routing decision on the current snapshot, then either an HBONE stream through the pod's pool with the source
 * workload's certificate, or plain TCP; one {@link ConnectionResult} at the end. A refusal resets the client.
 */
final class OutboundConnection implements PodProxy.LiveConnection {
    private static final System.Logger LOG = System.getLogger(OutboundConnection.class.getName());

    private final PodProxy proxy;
    private final SocketChannel client;
    private final AppSide clientSide;
    private volatile Relay.Side upstreamSide;

    OutboundConnection(PodProxy proxy, SocketChannel client) {
        this.proxy = proxy;
        this.client = client;
        this.clientSide = new AppSide(client);
    }

    void run() throws IOException, InterruptedException {
        long start = System.nanoTime();
        ProxyContext ctx = proxy.ctx;
        InetSocketAddress from = (InetSocketAddress) client.getRemoteAddress();
        InetSocketAddress original = ctx.destinations().outbound(proxy.pod, client);
        ProxyState state = ctx.state().current();
        Optional<Workload> source = proxy.sourceWorkload(state);
        if (source.isEmpty()) {
            LOG.log(
                    Level.WARNING,
                    "outbound from {0}: pod {1}/{2} is not (yet) known to xDS; refusing",
                    from,
                    proxy.pod.namespace(),
                    proxy.pod.name());
            clientSide.reset();
            return;
        }
        OutboundRequest req;
        try {
            req = OutboundRequest.build(
                    state, ctx.settings().network(), source.get(), from.getAddress(), original, ctx.random());
        } catch (OutboundRoutingException e) {
            ctx.telemetry().refused(unrouted(source.get(), from, original, e.getMessage(), start));
            clientSide.reset();
            return;
        }
        ConnectionResult base = ConnectionResults.outbound(source.get(), from, req);
        proxy.register(this);
        try {
            switch (req.protocol()) {
                case TCP -> tcp(base, req, start);
                case HBONE -> hbone(base, req, source.get(), from, start);
                case DOUBLE_HBONE -> {
                    ctx.telemetry()
                            .refused(base.completed(
                                    ResponseFlags.CONNECT,
                                    0,
                                    0,
                                    since(start),
                                    Optional.of("double HBONE (multi-network) is not supported yet")));
                    clientSide.reset();
                }
            }
        } finally {
            proxy.unregister(this);
        }
    }

    private void tcp(ConnectionResult base, OutboundRequest req, long start) throws InterruptedException {
        SocketChannel upstream;
        try {
            upstream = proxy.sockets.connect(req.target());
            upstream.setOption(StandardSocketOptions.TCP_NODELAY, true);
        } catch (IOException e) {
            proxy.ctx
                    .telemetry()
                    .refused(base.completed(
                            ResponseFlags.CONNECT, 0, 0, since(start), Optional.of("connect: " + e.getMessage())));
            clientSide.reset();
            return;
        }
        AppSide up = new AppSide(upstream);
        upstreamSide = up;
        relay(base, up, Relay.CHUNK_SIZE, start);
    }

    private void hbone(ConnectionResult base, OutboundRequest req, Workload source, InetSocketAddress from, long start)
            throws InterruptedException {
        ProxyContext ctx = proxy.ctx;
        HbonePool.Key key = new HbonePool.Key(
                source.identity(),
                Set.copyOf(req.expectedIdentities()),
                source.addresses().isEmpty()
                        ? from.getAddress()
                        : source.addresses().getFirst(),
                req.target());
        HboneStream stream;
        try {
            stream = proxy.pool.open(
                    key,
                    req.hboneAuthority().orElseThrow(),
                    ConnectHeaders.request(source, ctx.settings().clusterId(), from, req.intendedService()));
        } catch (IOException e) {
            ctx.telemetry().refused(base.completed(flags(e), 0, 0, since(start), Optional.of(e.getMessage())));
            clientSide.reset();
            return;
        }
        Relay.Side side = stream.relaySide();
        upstreamSide = side;
        relay(base, side, stream.preferredWriteSize(), start);
    }

    private void relay(ConnectionResult base, Relay.Side upstream, int chunkToUpstream, long start)
            throws InterruptedException {
        ProxyContext ctx = proxy.ctx;
        ctx.telemetry().opened(base);
        Relay.Result r = Relay.relay(clientSide, upstream, chunkToUpstream, Relay.CHUNK_SIZE);
        ctx.telemetry()
                .completed(base.completed(
                        r.clean() ? ResponseFlags.NONE : ResponseFlags.CONNECT,
                        r.bToA(),
                        r.aToB(),
                        since(start),
                        r.clean()
                                ? Optional.empty()
                                : Optional.of(String.valueOf(r.error().getMessage()))));
    }

    /** The response flag for a failed CONNECT: 401 is a policy denial; TLS and identity failures are named. */
    static ResponseFlags flags(IOException e) {
        if (e instanceof HboneException h && h.status() == 401) {
            return ResponseFlags.DENY;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SSLException) {
                return ResponseFlags.TLS_FAILURE;
            }
        }
        return ResponseFlags.CONNECT;
    }

    private ConnectionResult unrouted(
            Workload source, InetSocketAddress from, InetSocketAddress to, String why, long start) {
        return new ConnectionResult(
                Reporter.SOURCE,
                Direction.OUTBOUND,
                from,
                to,
                Optional.empty(),
                Optional.of(source),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                SecurityPolicy.UNKNOWN,
                ResponseFlags.CONNECT,
                0,
                0,
                since(start),
                Optional.of(why));
    }

    static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    @Override
    public void close() {
        clientSide.reset();
        Relay.Side up = upstreamSide;
        if (up != null) {
            try {
                up.close();
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "closing upstream: {0}", e.getMessage());
            }
        }
    }
}
