package io.ambient4j.waypoint.proxy;

import io.ambient4j.common.hbone.HboneHeaders;
import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.waypoint.http.Framing;
import io.ambient4j.waypoint.http.HeaderList;
import io.ambient4j.waypoint.http.Http1;
import io.ambient4j.waypoint.http.HttpException;
import io.ambient4j.waypoint.http.HttpInput;
import io.ambient4j.waypoint.http.RequestHead;
import io.ambient4j.waypoint.http.ResponseHead;
import io.ambient4j.waypoint.metrics.AccessLog;
import io.ambient4j.waypoint.metrics.Peer;
import io.ambient4j.waypoint.policy.Authorizer;
import io.ambient4j.waypoint.policy.Decision;
import io.ambient4j.waypoint.policy.RequestAttributes;
import io.ambient4j.waypoint.route.HttpRoute;
import io.ambient4j.waypoint.route.Retries;
import io.ambient4j.waypoint.route.RouteDecision;
import io.ambient4j.waypoint.route.RouteRequest;
import io.ambient4j.waypoint.route.Router;
import io.ambient4j.waypoint.state.WaypointState;
import io.ambient4j.ztunnel.state.NamespacedHostname;
import io.ambient4j.ztunnel.state.Service;
import io.ambient4j.ztunnel.state.Workload;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The HTTP/1.1 side of one tunnel: requests are read one after another (keep-alive) from the client's HBONE stream;
 * each is authorized ({@link Authorizer}), routed ({@link Router}) and either answered by the waypoint or forwarded
 * to an endpoint over a fresh upstream stream, with retries and timeouts from the route. The client's connection
 * survives a denied or failed request; only a malformed request or a response cut mid-body ends it.
 */
final class HttpSession {
    private static final System.Logger LOG = System.getLogger(HttpSession.class.getName());
    /** Request bodies are buffered so a retry can resend them; Envoy's default per-connection buffer limit. */
    static final int MAX_REQUEST_BODY = 1024 * 1024;

    private final ProxyContext ctx;
    private final Destination destination;
    private final InetSocketAddress client;
    private final SpiffeId principal;
    private final HttpInput in;
    private final Counting out;

    HttpSession(
            ProxyContext ctx,
            Destination destination,
            InetSocketAddress client,
            SpiffeId principal,
            HttpInput in,
            OutputStream out) {
        this.ctx = ctx;
        this.destination = destination;
        this.client = client;
        this.principal = principal;
        this.in = in;
        this.out = new Counting(out);
    }

    /** Counts the bytes written to the client, for the response-size metric. */
    private static final class Counting extends java.io.FilterOutputStream {
        long written;

        Counting(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            written++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            written += len;
        }
    }

    private long requestMark;
    private long responseMark;

    /** Serves requests until the client closes, asks to close, or sends something unparsable. */
    void run() throws IOException {
        while (true) {
            long start = System.nanoTime();
            requestMark = in.consumed();
            responseMark = out.written;
            Optional<RequestHead> head;
            byte[] body;
            try {
                head = Http1.readRequestHead(in);
                if (head.isEmpty()) {
                    return;
                }
                if (head.get().headers().hasToken("expect", "100-continue")) {
                    out.write("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                    out.flush();
                }
                Framing f = Http1.requestFraming(head.get().headers());
                body = Http1.readBody(in, f, MAX_REQUEST_BODY);
            } catch (HttpException e) {
                // Malformed input: answer with its status, then close this connection; nothing else is affected.
                Peer peer = basePeer(ctx.state().snapshot());
                respondLocal(e.status(), e.getMessage() + "\n", Optional.empty(), List.of(), false);
                finish(peer, "-", "-", e.status(), "DPE", "-", "-", start, e.getMessage());
                return;
            }
            if (!exchange(head.get(), body, start)) {
                return;
            }
        }
    }

    /** One request; returns whether the connection stays open. */
    private boolean exchange(RequestHead req, byte[] body, long start) throws IOException {
        WaypointState.Snapshot snap = ctx.state().snapshot();
        NamespacedHostname service = serviceKey(destination);
        // HTTP/1.0 may omit Host: the addressed service's name stands in, as the backend would expect.
        String host = req.headers()
                .first("host")
                .filter(h -> !h.isEmpty())
                .orElse(service.hostname().isEmpty() ? destinationIp().getHostAddress() : service.hostname());
        boolean keepAlive = req.keepAlive();
        Peer peer = basePeer(snap);
        RequestAttributes attrs = new RequestAttributes(
                Optional.of(principal),
                client.getAddress(),
                service,
                destinationIp(),
                destination.port(),
                req.method(),
                host,
                req.path(),
                req.headers().asMap());
        Decision d = Authorizer.decide(snap.l7().policyList(), attrs);
        if (!d.audited().isEmpty()) {
            LOG.log(Level.INFO, "authorization audit for {0} {1}: {2}", req.method(), req.path(), d.audited());
        }
        if (!d.allowed()) {
            respondLocal(403, "RBAC: access denied", Optional.empty(), List.of(), keepAlive);
            finish(peer, req.method(), req.path(), 403, "RBAC", "-", "-", start, d.reason());
            return keepAlive;
        }
        RouteDecision rd = switch (destination) {
            case Destination.ToService s ->
                Router.route(
                        snap.l7().routeList(),
                        new RouteRequest(
                                service,
                                s.port(),
                                req.method(),
                                req.path(),
                                req.query(),
                                req.headers().asMap()),
                        host,
                        svc -> snap.mesh().service(svc).isPresent(),
                        ctx.random());
            case Destination.ToWorkload w ->
                new RouteDecision.Forward(
                        "default",
                        service,
                        w.port(),
                        req.query().isEmpty() ? req.path() : req.path() + "?" + req.query(),
                        host,
                        List.of(),
                        List.of(),
                        0,
                        0,
                        Optional.empty());
        };
        return switch (rd) {
            case RouteDecision.Respond r -> {
                respondLocal(r.status(), "", r.location(), r.responseHeaders(), keepAlive);
                finish(peer, req.method(), req.path(), r.status(), "-", r.route(), "-", start, "");
                yield keepAlive;
            }
            case RouteDecision.Forward f -> forward(snap, peer, req, body, f, keepAlive, start);
        };
    }

    private boolean forward(
            WaypointState.Snapshot snap,
            Peer peer,
            RequestHead req,
            byte[] body,
            RouteDecision.Forward f,
            boolean keepAlive,
            long start)
            throws IOException {
        Optional<Service> svc = snap.mesh().service(f.service());
        Optional<String> upgrade = upgrade(req.headers());
        HeaderList headers = HeaderRules.upstreamRequest(
                req, f, body.length, upgrade, UUID.randomUUID().toString());
        int attempts = Retries.tries(f.retry());
        long requestDeadline =
                f.requestTimeoutMs() > 0 ? start + TimeUnit.MILLISECONDS.toNanos(f.requestTimeoutMs()) : 0;
        UpstreamException last = null;
        for (int attempt = 1; attempt <= attempts; attempt++) {
            if (attempt > 1) {
                backoff(f.retry().get());
            }
            Optional<Endpoints.Target> target = pickTarget(snap, svc, f);
            if (target.isEmpty()) {
                last = new UpstreamException(
                        UpstreamException.Reason.NO_HEALTHY_UPSTREAM, "no endpoint for " + f.service(), null);
                break;
            }
            Peer withDst = new Peer(
                    peer.source(),
                    peer.sourcePrincipal(),
                    svc.or(peer::service),
                    Optional.of(target.get().workload()));
            String upstream = target.get().workload().addresses().getFirst().getHostAddress() + ":"
                    + target.get().port();
            UpstreamConnection conn;
            try {
                conn = ctx.upstreams()
                        .open(target.get().workload(), target.get().port(), svc, forwardedHeaders());
            } catch (UpstreamException e) {
                last = e;
                LOG.log(Level.DEBUG, "attempt {0}/{1} to {2} failed: {3}", attempt, attempts, upstream, e.getMessage());
                if (Retries.again(f.retry(), attempt, new Retries.Outcome.ConnectFailed())) {
                    continue;
                }
                break;
            }
            AtomicBoolean timedOut = new AtomicBoolean();
            Runnable disarm = armTimer(conn, timedOut, requestDeadline, f.backendTimeoutMs());
            try {
                ResponseHead resp;
                HttpInput upIn = new HttpInput(conn.input());
                try {
                    OutputStream upOut = new java.io.BufferedOutputStream(conn.output(), 16 * 1024);
                    Http1.writeRequestHead(upOut, req.method(), f.path(), headers);
                    upOut.write(body);
                    upOut.flush();
                    resp = Http1.readResponseHead(upIn);
                } catch (HttpException e) {
                    last = new UpstreamException(UpstreamException.Reason.PROTOCOL, e.getMessage(), e);
                    break;
                } catch (IOException e) {
                    last = timedOut.get()
                            ? new UpstreamException(UpstreamException.Reason.TIMEOUT, "upstream request timeout", e)
                            : new UpstreamException(UpstreamException.Reason.RESET, e.toString(), e);
                    break;
                }
                if (Retries.again(f.retry(), attempt, new Retries.Outcome.Status(resp.status()))) {
                    LOG.log(Level.DEBUG, "retrying {0} after status {1}", f.path(), resp.status());
                    continue;
                }
                if (upgrade.isPresent() && resp.status() == 101) {
                    disarm.run();
                    return switchProtocols(withDst, req, resp, upIn, conn, f, start, upstream);
                }
                return relayResponse(withDst, req, resp, upIn, f, keepAlive, start, upstream, timedOut);
            } finally {
                disarm.run();
                conn.close();
            }
        }
        UpstreamException e = last;
        Peer failedPeer = new Peer(peer.source(), peer.sourcePrincipal(), svc.or(peer::service), Optional.empty());
        String text = e.reason() == UpstreamException.Reason.TIMEOUT
                ? "upstream request timeout"
                : e.reason() == UpstreamException.Reason.NO_HEALTHY_UPSTREAM
                        ? "no healthy upstream"
                        : "upstream connect error or disconnect/reset before headers";
        respondLocal(e.reason().status, text, Optional.empty(), f.responseHeaders(), keepAlive);
        finish(
                failedPeer,
                req.method(),
                req.path(),
                e.reason().status,
                e.reason().flag,
                f.route(),
                "-",
                start,
                e.getMessage());
        return keepAlive;
    }

    private boolean relayResponse(
            Peer peer,
            RequestHead req,
            ResponseHead resp,
            HttpInput upIn,
            RouteDecision.Forward f,
            boolean keepAlive,
            long start,
            String upstream,
            AtomicBoolean timedOut)
            throws IOException {
        Framing framing;
        try {
            framing = Http1.responseFraming(req.method(), resp);
        } catch (HttpException e) {
            respondLocal(502, "upstream sent an invalid response", Optional.empty(), List.of(), keepAlive);
            finish(peer, req.method(), req.path(), 502, "UPE", f.route(), upstream, start, e.getMessage());
            return keepAlive;
        }
        HeaderList h = resp.headers().copy();
        String headLength =
                req.method().equals("HEAD") ? h.first("content-length").orElse(null) : null;
        HeaderRules.stripHopByHop(h);
        h.remove("content-length");
        HeaderRules.apply(h, f.responseHeaders());
        boolean http11 = req.version().equals("HTTP/1.1");
        boolean chunk = false;
        boolean keep = keepAlive;
        switch (framing) {
            case Framing.Length(long n) -> h.set("content-length", Long.toString(n));
            case Framing.None n -> {
                if (headLength != null) {
                    h.set("content-length", headLength);
                } else if (resp.status() != 204 && resp.status() != 304) {
                    h.set("content-length", "0");
                }
            }
            case Framing.Chunked c -> {
                chunk = http11;
                keep = keep && http11;
            }
            case Framing.UntilClose u -> {
                chunk = http11;
                keep = keep && http11;
            }
        }
        if (chunk) {
            h.set("transfer-encoding", "chunked");
        }
        if (!keep) {
            h.set("connection", "close");
        }
        Http1.writeResponseHead(out, resp.status(), resp.reason(), h);
        try {
            Http1.copyBody(upIn, framing, out, chunk);
        } catch (HttpException | IOException e) {
            // The head is out: the only way to tell the client is to end the connection.
            finish(
                    peer,
                    req.method(),
                    req.path(),
                    resp.status(),
                    timedOut.get() ? "UT" : "UPE",
                    f.route(),
                    upstream,
                    start,
                    "response body: " + e.getMessage());
            return false;
        }
        out.flush();
        finish(peer, req.method(), req.path(), resp.status(), "-", f.route(), upstream, start, "");
        return keep;
    }

    /** The protocol a request asks to switch to ({@code Connection: upgrade} plus {@code Upgrade}). */
    static Optional<String> upgrade(HeaderList h) {
        return h.hasToken("connection", "upgrade") ? h.first("upgrade") : Optional.empty();
    }

    /**
     * {@code 101 Switching Protocols}: passes the answer on, then relays raw bytes both ways (what either side had
     * already buffered first) until both directions end. The tunnel carries nothing after this exchange.
     */
    private boolean switchProtocols(
            Peer peer,
            RequestHead req,
            ResponseHead resp,
            HttpInput upIn,
            UpstreamConnection conn,
            RouteDecision.Forward f,
            long start,
            String upstream)
            throws IOException {
        HeaderList h = resp.headers().copy();
        Optional<String> protocol = h.first("upgrade");
        HeaderRules.stripHopByHop(h);
        HeaderRules.apply(h, f.responseHeaders());
        h.set("connection", "upgrade");
        protocol.ifPresent(p -> h.set("upgrade", p));
        Http1.writeResponseHead(out, 101, resp.reason(), h);
        out.flush();
        finish(peer, req.method(), req.path(), 101, "-", f.route(), upstream, start, "");
        io.ambient4j.common.relay.Relay.Side client =
                io.ambient4j.common.relay.Relay.Side.of(in.asInputStream(), out, out::close, () -> {});
        io.ambient4j.common.relay.Relay.Side backend = io.ambient4j.common.relay.Relay.Side.of(
                upIn.asInputStream(), conn.output(), () -> conn.output().close(), conn::close);
        try {
            io.ambient4j.common.relay.Relay.relay(client, backend);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    private Optional<Endpoints.Target> pickTarget(
            WaypointState.Snapshot snap, Optional<Service> svc, RouteDecision.Forward f) {
        if (destination instanceof Destination.ToWorkload w) {
            return Optional.of(new Endpoints.Target(w.workload(), w.port()));
        }
        return svc.flatMap(s -> Endpoints.pick(snap.mesh(), s, f.port(), ctx.random()));
    }

    /**
     * Closes the upstream when the earlier of the request deadline and the per-try timeout passes; returns what
     * disarms it. Without either timeout nothing is scheduled.
     */
    private Runnable armTimer(
            UpstreamConnection conn, AtomicBoolean timedOut, long requestDeadline, long backendTimeoutMs) {
        long now = System.nanoTime();
        long at = requestDeadline;
        if (backendTimeoutMs > 0) {
            long perTry = now + TimeUnit.MILLISECONDS.toNanos(backendTimeoutMs);
            at = at == 0 ? perTry : Math.min(at, perTry);
        }
        if (at == 0) {
            return () -> {};
        }
        ScheduledFuture<?> f = ctx.timers()
                .schedule(
                        () -> {
                            timedOut.set(true);
                            conn.abort();
                        },
                        Math.max(0, at - now),
                        TimeUnit.NANOSECONDS);
        return () -> f.cancel(false);
    }

    private static void backoff(HttpRoute.Retry retry) throws IOException {
        if (retry.backoffMs() <= 0) {
            return;
        }
        try {
            Thread.sleep(retry.backoffMs());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted during retry backoff");
        }
    }

    /** The CONNECT headers towards the endpoint: {@code forwarded} names the original client, as ztunnel sends. */
    private HboneHeaders forwardedHeaders() {
        return HboneHeaders.of(
                "forwarded", "for=\"" + client.getAddress().getHostAddress() + ":" + client.getPort() + "\"");
    }

    private void respondLocal(
            int status, String text, Optional<String> location, List<HttpRoute.HeaderModifier> mods, boolean keepAlive)
            throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        HeaderList h = new HeaderList();
        location.ifPresent(l -> h.set("location", l));
        if (b.length > 0) {
            h.set("content-type", "text/plain");
        }
        h.set("content-length", Integer.toString(b.length));
        h.set("server", "istio-envoy");
        HeaderRules.apply(h, mods);
        if (!keepAlive) {
            h.set("connection", "close");
        }
        Http1.writeResponseHead(out, status, Http1.reason(status), h);
        out.write(b);
        out.flush();
    }

    private void finish(
            Peer peer,
            String method,
            String path,
            int status,
            String flags,
            String route,
            String upstream,
            long start,
            String detail) {
        double ms = (System.nanoTime() - start) / 1_000_000.0;
        ctx.metrics().request(peer, status, flags, ms, in.consumed() - requestMark, out.written - responseMark);
        AccessLog.request(
                peer,
                client.getAddress().getHostAddress() + ":" + client.getPort(),
                method,
                path,
                status,
                flags,
                route,
                upstream,
                (long) ms,
                detail);
    }

    private Peer basePeer(WaypointState.Snapshot snap) {
        Optional<Workload> source = snap.mesh()
                .workloadByAddress(new io.ambient4j.ztunnel.state.NetworkAddress(ctx.network(), client.getAddress()));
        Optional<Service> svc =
                destination instanceof Destination.ToService s ? Optional.of(s.service()) : Optional.empty();
        Optional<Workload> dst =
                destination instanceof Destination.ToWorkload w ? Optional.of(w.workload()) : Optional.empty();
        return new Peer(source, Optional.of(principal), svc, dst);
    }

    private java.net.InetAddress destinationIp() {
        return switch (destination) {
            case Destination.ToService s ->
                s.service().vips().isEmpty()
                        ? client.getAddress()
                        : s.service().vips().getFirst().address();
            case Destination.ToWorkload w -> w.workload().addresses().getFirst();
        };
    }

    /** The service a request is for: the addressed service, or the workload's first service (workload waypoint). */
    static NamespacedHostname serviceKey(Destination d) {
        return switch (d) {
            case Destination.ToService s -> s.service().namespacedHostname();
            case Destination.ToWorkload w ->
                w.workload().services().keySet().stream()
                        .sorted()
                        .findFirst()
                        .map(NamespacedHostname::parse)
                        .orElse(new NamespacedHostname(w.workload().namespace(), ""));
        };
    }
}
