package io.ambient4j.istiod.xds;

import java.util.List;

/**
 * The proxy identity a client announces in {@code Node.id}: {@code <type>~<ip>~<pod>.<ns>~<ns>.svc.<domain>}.
 *
 * <p>Upstream istiod refuses a stream whose node id does not have four {@code ~}-separated parts or names an
 * unknown proxy type, so a typo in a client shows up at connect time instead of as missing configuration.
 *
 * @param type the proxy type, e.g. {@code ztunnel}
 * @param ipAddresses the instance IPs (upstream allows several, separated by {@code ,})
 * @param id {@code <pod name>.<pod namespace>}
 * @param dnsDomain e.g. {@code istio-system.svc.cluster.local}
 */
public record NodeId(String type, List<String> ipAddresses, String id, String dnsDomain) {
    /** Proxy types upstream accepts in a node id. */
    public static final List<String> KNOWN_TYPES = List.of("sidecar", "router", "ztunnel", "waypoint");

    public NodeId {
        ipAddresses = List.copyOf(ipAddresses);
    }

    /** The pod namespace: the part of {@link #id} after the first dot, or empty when there is none. */
    public String namespace() {
        int dot = id.indexOf('.');
        return dot < 0 ? "" : id.substring(dot + 1);
    }

    /** The pod name: the part of {@link #id} before the first dot. */
    public String podName() {
        int dot = id.indexOf('.');
        return dot < 0 ? id : id.substring(0, dot);
    }

    /**
     * Parses a node id.
     *
     * @throws XdsRequestException with reason {@code INVALID_NODE} when it is empty or malformed
     */
    public static NodeId parse(String raw) {
        if (raw == null || raw.isEmpty()) {
            throw new XdsRequestException(XdsRequestException.Reason.MISSING_NODE, "missing node information");
        }
        String[] parts = raw.split("~", -1);
        if (parts.length != 4) {
            throw new XdsRequestException(
                    XdsRequestException.Reason.INVALID_NODE,
                    "node id " + raw + " must have 4 parts separated by '~', has " + parts.length);
        }
        if (!KNOWN_TYPES.contains(parts[0])) {
            throw new XdsRequestException(
                    XdsRequestException.Reason.INVALID_NODE,
                    "node id " + raw + " has unknown proxy type '" + parts[0] + "', expected one of " + KNOWN_TYPES);
        }
        if (parts[1].isEmpty()) {
            throw new XdsRequestException(
                    XdsRequestException.Reason.INVALID_NODE, "node id " + raw + " has no IP address");
        }
        if (parts[2].isEmpty()) {
            throw new XdsRequestException(
                    XdsRequestException.Reason.INVALID_NODE, "node id " + raw + " has no pod name");
        }
        return new NodeId(parts[0], List.of(parts[1].split(",")), parts[2], parts[3]);
    }
}
