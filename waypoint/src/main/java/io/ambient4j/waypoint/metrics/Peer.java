package io.ambient4j.waypoint.metrics;

import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.ztunnel.state.Service;
import io.ambient4j.ztunnel.state.Workload;
import java.util.Optional;

/**
 * Who talked to whom through the waypoint, as the metric labels and the access log describe it: the source
 * workload (looked up by the tunnel's peer IP) and mTLS identity, the addressed service, and the chosen endpoint.
 */
public record Peer(
        Optional<Workload> source,
        Optional<SpiffeId> sourcePrincipal,
        Optional<Service> service,
        Optional<Workload> destination) {}
