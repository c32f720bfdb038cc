package io.ambient4j.waypoint;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.ambient4j.api.discovery.Node;
import io.ambient4j.waypoint.config.WaypointConfig;

/**
 * The xDS {@code Node} a waypoint presents: istiod recognises the type from the id prefix {@code waypoint~} and
 * reads namespace, cluster and workload name from the metadata, as for pilot-agent's waypoints.
 */
final class XdsNodes {
    private XdsNodes() {}

    /** {@code waypoint~<podIP>~<pod>.<ns>~<ns>.svc.cluster.local} plus metadata. */
    static Node waypoint(WaypointConfig cfg) {
        String ip = cfg.instanceIp().getHostAddress();
        String ns = cfg.podNamespace();
        Struct.Builder md = Struct.newBuilder()
                .putFields("NAME", str(cfg.podName()))
                .putFields("NAMESPACE", str(ns))
                .putFields("INSTANCE_IPS", str(ip))
                .putFields("CLUSTER_ID", str(cfg.clusterId()))
                .putFields("SERVICE_ACCOUNT", str(cfg.serviceAccount()))
                .putFields("WORKLOAD_NAME", str(cfg.workloadName()));
        if (!cfg.network().isEmpty()) {
            md.putFields("NETWORK", str(cfg.network()));
        }
        return Node.newBuilder()
                .setId("waypoint~" + ip + "~" + cfg.podName() + "." + ns + "~" + ns + ".svc.cluster.local")
                .setMetadata(md)
                .build();
    }

    private static Value str(String s) {
        return Value.newBuilder().setStringValue(s).build();
    }
}
