package io.ambient4j.ztunnel.state;

import io.ambient4j.common.identity.SpiffeId;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A workload (pod, WorkloadEntry or ServiceEntry endpoint) as ztunnel uses it, converted once from
 * {@code istio.workload.Workload} with upstream's defaults applied: empty trust domain ⇒ {@code cluster.local},
 * empty service account ⇒ {@code default}, unset capacity ⇒ 1.
 *
 * @param uid primary key, e.g. {@code Kubernetes//Pod/ns/name}
 * @param services {@code <ns>/<hostname>} → (service port → target port) for the services this workload backs
 * @param authorizationPolicies {@code <ns>/<name>} of selector-scoped policies selecting this workload
 * @param hostNetwork true for HOST_NETWORK workloads, which are never indexed by IP
 */
public record Workload(
        String uid,
        String name,
        String namespace,
        List<InetAddress> addresses,
        String hostname,
        String network,
        TunnelProtocol tunnelProtocol,
        String trustDomain,
        String serviceAccount,
        Optional<GatewayAddress> waypoint,
        Optional<GatewayAddress> networkGateway,
        String node,
        String canonicalName,
        String canonicalRevision,
        WorkloadType workloadType,
        String workloadName,
        boolean nativeTunnel,
        Optional<ApplicationTunnel> applicationTunnel,
        Map<String, Map<Integer, Integer>> services,
        List<String> authorizationPolicies,
        boolean healthy,
        String clusterId,
        Locality locality,
        boolean hostNetwork,
        int capacity)
        implements Address {

    public static final String DEFAULT_TRUST_DOMAIN = SpiffeId.DEFAULT_TRUST_DOMAIN;
    public static final String DEFAULT_SERVICE_ACCOUNT = SpiffeId.DEFAULT_SERVICE_ACCOUNT;

    public Workload {
        addresses = List.copyOf(addresses);
        services = services.entrySet().stream()
                .collect(java.util.stream.Collectors.toUnmodifiableMap(
                        Map.Entry::getKey, e -> Map.copyOf(e.getValue())));
        authorizationPolicies = List.copyOf(authorizationPolicies);
        trustDomain = trustDomain.isEmpty() ? DEFAULT_TRUST_DOMAIN : trustDomain;
        serviceAccount = serviceAccount.isEmpty() ? DEFAULT_SERVICE_ACCOUNT : serviceAccount;
    }

    /** The SPIFFE identity this workload's certificate carries (validated once at conversion). */
    public SpiffeId identity() {
        return new SpiffeId(trustDomain, namespace, serviceAccount);
    }

    @Override
    public String resourceName() {
        return uid;
    }

    /** How a workload accepts mesh traffic. */
    public enum TunnelProtocol {
        NONE,
        HBONE,
        LEGACY_ISTIO_MTLS
    }

    /** The kind of controller that owns the workload (telemetry only). */
    public enum WorkloadType {
        DEPLOYMENT,
        CRONJOB,
        POD,
        JOB
    }
}
