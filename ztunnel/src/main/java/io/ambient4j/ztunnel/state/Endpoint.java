package io.ambient4j.ztunnel.state;

import java.util.Map;

/**
 * One workload behind a service, derived from that workload's {@code services} entry.
 *
 * @param workloadUid the workload
 * @param ports service port → target port for this endpoint (0 = use the service's mapping)
 * @param healthy whether the workload reports HEALTHY
 */
public record Endpoint(String workloadUid, Map<Integer, Integer> ports, boolean healthy) {
    public Endpoint {
        ports = Map.copyOf(ports);
    }
}
