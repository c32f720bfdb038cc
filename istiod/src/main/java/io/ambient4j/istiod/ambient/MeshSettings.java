package io.ambient4j.istiod.ambient;

import java.util.Objects;

/**
 * The mesh-wide inputs every translation needs. Parsed once at start-up and passed explicitly, so the
 * translation functions stay pure and table-testable.
 *
 * @param clusterId cluster id used in workload uids (istiod default {@code Kubernetes})
 * @param trustDomain SPIFFE trust domain (default {@code cluster.local}; omitted on the wire when default)
 * @param rootNamespace the mesh root namespace (default {@code istio-system})
 * @param network the local network ("" = default)
 * @param domainSuffix Kubernetes DNS suffix for Service hostnames (default {@code cluster.local})
 * @param revision istiod's revision; policies labelled {@code istio.io/rev} with another value are ignored
 * @param autoAllowWaypointPolicy {@code PILOT_AUTO_ALLOW_WAYPOINT_POLICY}: synthesize allow-from-waypoint policies
 */
public record MeshSettings(
        String clusterId,
        String trustDomain,
        String rootNamespace,
        String network,
        String domainSuffix,
        String revision,
        boolean autoAllowWaypointPolicy) {
    public static final String DEFAULT_CLUSTER_ID = "Kubernetes";
    public static final String DEFAULT_TRUST_DOMAIN = "cluster.local";
    public static final String DEFAULT_ROOT_NAMESPACE = "istio-system";
    public static final String DEFAULT_DOMAIN_SUFFIX = "cluster.local";
    public static final String DEFAULT_REVISION = "default";

    public MeshSettings {
        Objects.requireNonNull(clusterId, "clusterId");
        Objects.requireNonNull(trustDomain, "trustDomain");
        Objects.requireNonNull(rootNamespace, "rootNamespace");
        Objects.requireNonNull(network, "network");
        Objects.requireNonNull(domainSuffix, "domainSuffix");
        Objects.requireNonNull(revision, "revision");
    }

    /** Upstream defaults. */
    public static MeshSettings defaults() {
        return new MeshSettings(
                DEFAULT_CLUSTER_ID,
                DEFAULT_TRUST_DOMAIN,
                DEFAULT_ROOT_NAMESPACE,
                "",
                DEFAULT_DOMAIN_SUFFIX,
                DEFAULT_REVISION,
                false);
    }

    public MeshSettings withAutoAllowWaypointPolicy(boolean on) {
        return new MeshSettings(clusterId, trustDomain, rootNamespace, network, domainSuffix, revision, on);
    }

    public MeshSettings withRevision(String rev) {
        return new MeshSettings(
                clusterId, trustDomain, rootNamespace, network, domainSuffix, rev, autoAllowWaypointPolicy);
    }

    /** The trust domain as sent on the wire: empty when it is the default. */
    public String wireTrustDomain() {
        return DEFAULT_TRUST_DOMAIN.equals(trustDomain) ? "" : trustDomain;
    }
}
