package io.ambient4j.ztunnel.metrics;

import io.ambient4j.ztunnel.proxy.Authority;
import io.ambient4j.ztunnel.proxy.HboneAddress;
import io.ambient4j.ztunnel.proxy.InboundRequest;
import io.ambient4j.ztunnel.proxy.OutboundRequest;
import io.ambient4j.ztunnel.proxy.Protocol;
import io.ambient4j.ztunnel.state.Workload;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;

/**
 * Starts a {@link ConnectionResult} from a routing decision, so telemetry labels come from exactly what the proxy
 * decided rather than being recomputed. The returned value has no bytes yet; {@link ConnectionResult#completed}
 * fills in the outcome.
 */
public final class ConnectionResults {
    private ConnectionResults() {}

    /**
     * Reported by the source ztunnel. The source principal is the source workload's identity when the connection
     * leaves over mTLS (ztunnel presents that workload's certificate); plain TCP and passthrough carry none.
     */
    public static ConnectionResult outbound(Workload source, InetSocketAddress client, OutboundRequest r) {
        boolean mtls = r.protocol() != Protocol.TCP;
        return new ConnectionResult(
                Reporter.SOURCE,
                Direction.OUTBOUND,
                client,
                r.target(),
                r.hboneAuthority(),
                Optional.of(source),
                mtls ? Optional.of(source.identity()) : Optional.empty(),
                r.destinationWorkload(),
                r.intendedService(),
                mtls ? SecurityPolicy.MUTUAL_TLS : SecurityPolicy.UNKNOWN,
                ResponseFlags.NONE,
                0,
                0,
                Duration.ZERO,
                Optional.empty());
    }

    /** Reported by the destination ztunnel for an accepted HBONE request; always mutual TLS. */
    public static ConnectionResult inbound(InboundRequest r, InetSocketAddress hboneListener) {
        String authority = switch (r.hboneTarget()) {
            case HboneAddress.Socket(InetSocketAddress a) -> Authority.of(a);
            case HboneAddress.SvcHostname(String host, int port) -> host + ":" + port;
        };
        return new ConnectionResult(
                Reporter.DESTINATION,
                Direction.INBOUND,
                r.rbac().source(),
                hboneListener,
                Optional.of(authority),
                r.sourceWorkload(),
                r.rbac().sourceIdentity(),
                Optional.of(r.destinationWorkload()),
                r.destinationService(),
                SecurityPolicy.MUTUAL_TLS,
                ResponseFlags.NONE,
                0,
                0,
                Duration.ZERO,
                Optional.empty());
    }
}
