package io.ambient4j.waypoint.metrics;

import java.lang.System.Logger.Level;

/**
 * One line per request (and per L4 tunnel) on the {@code access} logger, in the key=value style of ztunnel's access
 * log so the same tooling reads both.
 */
public final class AccessLog {
    private static final System.Logger LOG = System.getLogger("access");

    private AccessLog() {}

    /** One HTTP exchange. */
    public static void request(
            Peer peer,
            String srcAddr,
            String method,
            String path,
            int status,
            String flags,
            String route,
            String upstream,
            long durationMs,
            String detail) {
        LOG.log(
                status >= 500 ? Level.WARNING : Level.INFO,
                "request complete method={0} path=\"{1}\" status={2} flags={3} src.addr={4} src.workload=\"{5}\""
                        + " src.identity=\"{6}\" dst.service=\"{7}\" dst.workload=\"{8}\" upstream={9} route={10}"
                        + " duration={11}ms{12}",
                method,
                path,
                Integer.toString(status),
                flags,
                srcAddr,
                peer.source().map(w -> w.name()).orElse(""),
                peer.sourcePrincipal().map(id -> id.uri()).orElse(""),
                peer.service().map(s -> s.hostname()).orElse(""),
                peer.destination().map(w -> w.name()).orElse(""),
                upstream,
                route,
                Long.toString(durationMs),
                detail.isEmpty() ? "" : " detail=\"" + detail + "\"");
    }

    /** One L4 tunnel relayed without HTTP processing. */
    public static void tcp(Peer peer, String srcAddr, String upstream, long received, long sent, long durationMs) {
        LOG.log(
                Level.INFO,
                "connection complete src.addr={0} src.identity=\"{1}\" dst.service=\"{2}\" dst.workload=\"{3}\""
                        + " upstream={4} bytes_recv={5} bytes_sent={6} duration={7}ms",
                srcAddr,
                peer.sourcePrincipal().map(id -> id.uri()).orElse(""),
                peer.service().map(s -> s.hostname()).orElse(""),
                peer.destination().map(w -> w.name()).orElse(""),
                upstream,
                Long.toString(received),
                Long.toString(sent),
                Long.toString(durationMs));
    }
}
