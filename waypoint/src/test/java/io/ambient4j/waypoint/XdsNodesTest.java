package io.ambient4j.waypoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.api.discovery.Node;
import io.ambient4j.waypoint.config.WaypointConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The node istiod classifies: id {@code waypoint~...}, ISTIO_META_* and the pod's labels in the metadata. */
class XdsNodesTest {
    @TempDir
    Path dir;

    @Test
    void waypointNodeIdMetadataAndLabels() throws Exception {
        Path labels = Files.writeString(
                dir.resolve("labels"),
                "gateway.networking.k8s.io/gateway-name=\"waypoint\"\nservice.istio.io/canonical-name=\"waypoint\"\n"
                        + "quoted=\"a \\\"b\\\"\"\n");
        Map<String, String> env = new HashMap<>();
        env.put("POD_NAME", "waypoint-5d8f-x2");
        env.put("POD_NAMESPACE", "app");
        env.put("INSTANCE_IP", "10.244.0.9");
        env.put("SERVICE_ACCOUNT", "waypoint");
        env.put("ISTIO_META_CLUSTER_ID", "Kubernetes");
        env.put("ISTIO_META_INTERCEPTION_MODE", "REDIRECT");
        env.put("WAYPOINT_POD_LABELS", labels.toString());
        Node n = XdsNodes.waypoint(WaypointConfig.fromEnv(env));
        assertThat(n.getId()).isEqualTo("waypoint~10.244.0.9~waypoint-5d8f-x2.app~app.svc.cluster.local");
        var md = n.getMetadata().getFieldsMap();
        assertThat(md.get("NAMESPACE").getStringValue()).isEqualTo("app");
        assertThat(md.get("CLUSTER_ID").getStringValue()).isEqualTo("Kubernetes");
        assertThat(md.get("INTERCEPTION_MODE").getStringValue()).isEqualTo("REDIRECT");
        var l = md.get("LABELS").getStructValue().getFieldsMap();
        assertThat(l.get("gateway.networking.k8s.io/gateway-name").getStringValue())
                .isEqualTo("waypoint");
        assertThat(l.get("quoted").getStringValue()).isEqualTo("a \"b\"");
    }

    @Test
    void noLabelsFileMeansNoLabels() throws Exception {
        Map<String, String> env = new HashMap<>();
        env.put("POD_NAME", "w");
        env.put("POD_NAMESPACE", "app");
        env.put("INSTANCE_IP", "10.244.0.9");
        env.put("SERVICE_ACCOUNT", "waypoint");
        env.put("WAYPOINT_POD_LABELS", dir.resolve("absent").toString());
        assertThat(XdsNodes.waypoint(WaypointConfig.fromEnv(env)).getMetadata().containsFields("LABELS"))
                .isFalse();
    }
}
