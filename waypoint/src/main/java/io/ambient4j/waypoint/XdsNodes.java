package io.ambient4j.waypoint;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.ambient4j.api.discovery.Node;
import io.ambient4j.waypoint.config.WaypointConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

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
        cfg.proxyMetadata().forEach((k, v) -> {
            if (!md.containsFields(k)) {
                md.putFields(k, str(v));
            }
        });
        if (!cfg.network().isEmpty()) {
            md.putFields("NETWORK", str(cfg.network()));
        }
        Map<String, String> labels = podLabels(cfg.podLabels());
        if (!labels.isEmpty()) {
            Struct.Builder l = Struct.newBuilder();
            labels.forEach((k, v) -> l.putFields(k, str(v)));
            md.putFields("LABELS", Value.newBuilder().setStructValue(l).build());
        }
        return Node.newBuilder()
                .setId("waypoint~" + ip + "~" + cfg.podName() + "." + ns + "~" + ns + ".svc.cluster.local")
                .setMetadata(md)
                .build();
    }

    /**
     * The pod's labels from the downward-API file ({@code key="value"} per line, Go-quoted), as pilot-agent sends
     * them; istiod can tell the waypoint's Gateway from {@code gateway.networking.k8s.io/gateway-name}. Absent or
     * unreadable: none (istiod then finds the pod by name).
     */
    static Map<String, String> podLabels(Path file) {
        Map<String, String> out = new TreeMap<>();
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return out;
        }
        for (String line : lines) {
            int eq = line.indexOf('=');
            if (eq <= 0) {
                continue;
            }
            String v = line.substring(eq + 1).strip();
            if (v.length() >= 2 && v.startsWith("\"") && v.endsWith("\"")) {
                v = v.substring(1, v.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
            }
            out.put(line.substring(0, eq).strip(), v);
        }
        return out;
    }

    private static Value str(String s) {
        return Value.newBuilder().setStringValue(s).build();
    }
}
