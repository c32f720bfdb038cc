package io.ambient4j.istiod.ambient;

import io.ambient4j.api.workload.Service;
import java.util.Map;

/**
 * One translated Service (from a Kubernetes Service or one host of a ServiceEntry) plus what the index
 * needs to compute membership: the selector and the port names that are resolved per workload.
 *
 * @param service the wire Service
 * @param selector pod/WorkloadEntry selector (empty = selects nothing)
 * @param portNames service port → names (for named target ports)
 * @param fromServiceEntry true for ServiceEntry hosts (port-name matching semantics differ)
 * @param sourceKey {@code Kind/ns/name} of the object this came from
 * @param waypointKey {@code ns/name} of the bound waypoint, or null
 * @param created the source object's creationTimestamp ("" when unknown): the older ServiceEntry wins a
 *     hostname
 */
public record ServiceInfo(
        Service service,
        Map<String, String> selector,
        Map<Integer, PortName> portNames,
        boolean fromServiceEntry,
        String sourceKey,
        String waypointKey,
        String created) {
    public ServiceInfo {
        selector = Map.copyOf(selector);
        portNames = Map.copyOf(portNames);
    }

    /** The xDS resource name and {@code Workload.services} key: {@code <ns>/<hostname>}. */
    public String key() {
        return service.getNamespace() + "/" + service.getHostname();
    }

    /**
     * Names attached to one service port.
     *
     * @param portName the port's own name
     * @param targetPortName the Service's named targetPort ("" when numeric)
     */
    public record PortName(String portName, String targetPortName) {}
}
