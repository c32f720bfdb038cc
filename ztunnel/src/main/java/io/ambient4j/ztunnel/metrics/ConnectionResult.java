package io.ambient4j.ztunnel.metrics;

import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.ztunnel.state.ServiceDescription;
import io.ambient4j.ztunnel.state.Workload;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;

/**
 * Everything known about one proxied connection when it ends. One value feeds both the TCP metrics and the access
 * log line, so the two can never disagree (ambient-spec §9).
 *
 * @param reporter who reports
 * @param direction outbound (15001) or inbound (15008/15006)
 * @param sourceAddress the client's address
 * @param destinationAddress the dialled or accepted address (inbound: {@code podIP:15008})
 * @param hboneAuthority the CONNECT {@code :authority}, when HBONE
 * @param source the client workload, when known from xDS
 * @param sourcePrincipal the mTLS-verified client identity (never taken from xDS or baggage)
 * @param destination the destination workload (through a waypoint: the waypoint)
 * @param destinationService the service the client meant
 * @param securityPolicy mutual_tls or unknown
 * @param responseFlags why it failed, or NONE
 * @param bytesSent bytes toward the client (response direction)
 * @param bytesReceived bytes from the client (request direction)
 * @param duration open to close
 * @param error a failure message, when the connection failed
 */
public record ConnectionResult(
        Reporter reporter,
        Direction direction,
        InetSocketAddress sourceAddress,
        InetSocketAddress destinationAddress,
        Optional<String> hboneAuthority,
        Optional<Workload> source,
        Optional<SpiffeId> sourcePrincipal,
        Optional<Workload> destination,
        Optional<ServiceDescription> destinationService,
        SecurityPolicy securityPolicy,
        ResponseFlags responseFlags,
        long bytesSent,
        long bytesReceived,
        Duration duration,
        Optional<String> error) {

    /** The same connection with its outcome filled in. */
    public ConnectionResult completed(
            ResponseFlags flags, long sent, long received, Duration took, Optional<String> failure) {
        return new ConnectionResult(
                reporter,
                direction,
                sourceAddress,
                destinationAddress,
                hboneAuthority,
                source,
                sourcePrincipal,
                destination,
                destinationService,
                securityPolicy,
                flags,
                sent,
                received,
                took,
                failure);
    }
}
