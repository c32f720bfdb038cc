package io.ambient4j.ztunnel.proxy;

import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.ztunnel.state.ProxyState;
import io.ambient4j.ztunnel.state.ServiceDescription;
import io.ambient4j.ztunnel.state.Workload;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;

/**
 * The routing decision for one outbound connection captured on 15001 (ambient-spec §2.4), made by a pure function of
 * the proxy state so it can be tested as a table; the proxy then only does what this record says.
 *
 * @param protocol how to leave: plain TCP, HBONE, or double HBONE
 * @param target the address to dial: {@code podIP:15008} for HBONE, the waypoint's or gateway's HBONE address, or
 *     the final {@code ip:port} for TCP
 * @param hboneAuthority the CONNECT {@code :authority} ({@code podIP:targetPort}; the original destination toward a
 *     waypoint; {@code hostname:port} for double HBONE); empty for TCP
 * @param expectedIdentities identities the server's certificate may carry (destination or waypoint workload identity
 *     plus the service's {@code subject_alt_names}); empty for TCP
 * @param finalIdentities for double HBONE, the identities expected from the final destination inside the tunnel
 * @param destinationWorkload the workload actually dialled (the waypoint when {@code viaWaypoint}); empty for
 *     passthrough
 * @param intendedService the service the client addressed, for metrics ({@code destination_service})
 * @param viaWaypoint whether the connection goes to a waypoint
 */
public record OutboundRequest(
        Protocol protocol,
        InetSocketAddress target,
        Optional<String> hboneAuthority,
        List<SpiffeId> expectedIdentities,
        List<SpiffeId> finalIdentities,
        Optional<Workload> destinationWorkload,
        Optional<ServiceDescription> intendedService,
        boolean viaWaypoint) {

    public OutboundRequest {
        expectedIdentities = List.copyOf(expectedIdentities);
        finalIdentities = List.copyOf(finalIdentities);
    }

    /**
     * Decides where one outbound connection goes.
     *
     * @param state the current proxy state snapshot
     * @param localNetwork this ztunnel's network ({@code NETWORK}); used to look up the destination as a service VIP
     * @param source the workload whose netns captured the connection
     * @param downstream the client's IP (to recognise traffic coming from the destination's own waypoint)
     * @param originalDestination the {@code SO_ORIGINAL_DST} of the captured connection
     * @param random endpoint and weighted-waypoint choice
     * @throws OutboundRoutingException when no route exists
     */
    public static OutboundRequest build(
            ProxyState state,
            String localNetwork,
            Workload source,
            InetAddress downstream,
            InetSocketAddress originalDestination,
            RandomSource random) {
        return new OutboundRouter(state, random).build(localNetwork, source, downstream, originalDestination);
    }
}
