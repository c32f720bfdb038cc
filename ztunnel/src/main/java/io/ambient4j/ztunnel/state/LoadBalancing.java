package io.ambient4j.ztunnel.state;

import java.util.List;

/** How endpoints of a service are chosen ({@code istio.workload.LoadBalancing}). */
public record LoadBalancing(List<Scope> routingPreference, Mode mode, HealthPolicy healthPolicy) {
    public LoadBalancing {
        routingPreference = List.copyOf(routingPreference);
    }

    /** Locality scopes compared in order between the client and each endpoint. */
    public enum Scope {
        REGION,
        ZONE,
        SUBZONE,
        NODE,
        CLUSTER,
        NETWORK
    }

    /** UNSPECIFIED is upstream's "standard": scopes are not considered. */
    public enum Mode {
        UNSPECIFIED,
        STRICT,
        FAILOVER,
        PASSTHROUGH
    }

    public enum HealthPolicy {
        ONLY_HEALTHY,
        ALLOW_ALL
    }
}
