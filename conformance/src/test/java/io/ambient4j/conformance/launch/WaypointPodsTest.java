package io.ambient4j.conformance.launch;

import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.conformance.mesh.Topology;
import io.ambient4j.istiod.kube.crd.Gateway;
import io.ambient4j.istiod.waypoint.ProxyValues;
import io.ambient4j.istiod.waypoint.WaypointDeployment;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The harness's realisation of waypoint pods (C093: a waypoint Gateway becomes a running proxy). */
class WaypointPodsTest {
    private static final Topology.NodePlan NODE =
            new Topology.NodePlan(2, "node-2", "a4j-node-2", "10.240.0.12", "10.244.2.0/24", "10.244.2.1");

    /** A pod as the DeploymentController makes it from the Deployment istiod's waypoint controller renders. */
    private static Pod waypointPod() {
        Gateway gw = new KubernetesSerialization().unmarshal("""
                        apiVersion: gateway.networking.k8s.io/v1
                        kind: Gateway
                        metadata: {name: captured-waypoint, namespace: mesh-c093, uid: 1234}
                        spec:
                          gatewayClassName: istio-waypoint
                          listeners: [{name: mesh, port: 15008, protocol: HBONE}]
                        """, Gateway.class);
        var template = WaypointDeployment.deployment(gw, ProxyValues.defaults("istio-system"))
                .getSpec()
                .getTemplate();
        return new PodBuilder()
                .withMetadata(template.getMetadata())
                .editMetadata()
                .withName("captured-waypoint-6f9c8d7b5-abcde")
                .withNamespace("mesh-c093")
                .withUid("pod-uid-1")
                .endMetadata()
                .withSpec(template.getSpec())
                .build();
    }

    @Test
    void C093_aRenderedWaypointPodIsRunAsTheWaypointAndOthersAreNot() {
        assertThat(WaypointPods.isWaypointPod(waypointPod())).isTrue();
        Pod app = new PodBuilder()
                .withNewMetadata()
                .withName("app")
                .withLabels(Map.of("app", "x"))
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("istio-proxy")
                .endContainer()
                .endSpec()
                .build();
        assertThat(WaypointPods.isWaypointPod(app))
                .as("the managed label is required")
                .isFalse();
    }

    @Test
    void C093_environmentResolvesFieldRefsAndPointsAtTheLocalMesh() {
        Path dir = Path.of("/run/ambient4j/t/waypoints/mesh-c093-p");
        Map<String, String> env = WaypointPods.env(waypointPod(), "10.244.2.17", NODE, dir);
        assertThat(env)
                .containsEntry("POD_NAME", "captured-waypoint-6f9c8d7b5-abcde")
                .containsEntry("POD_NAMESPACE", "mesh-c093")
                .containsEntry("INSTANCE_IP", "10.244.2.17")
                .containsEntry("SERVICE_ACCOUNT", "captured-waypoint")
                .containsEntry("HOST_IP", "10.240.0.12")
                .containsEntry("ISTIO_META_NODE_NAME", "node-2")
                .containsEntry("ISTIO_META_CLUSTER_ID", "Kubernetes")
                .containsEntry("PILOT_DISCOVERY_ADDRESS", "istiod.istio-system.svc:15012")
                .containsEntry("CA_ADDR", "istiod.istio-system.svc:15012")
                .containsEntry("AUTH_TOKEN", dir.resolve("istio-token").toString())
                .containsEntry("XDS_ROOT_CA", dir.resolve("root-cert.pem").toString());
        assertThat(WaypointPods.hostsFile()).contains("10.240.0.1 istiod.istio-system.svc ");
        assertThat(env)
                .containsEntry("WAYPOINT_POD_LABELS", dir.resolve("labels").toString());
        assertThat(WaypointPods.downwardLabels(waypointPod().getMetadata().getLabels()))
                .contains("gateway.networking.k8s.io/gateway-name=\"captured-waypoint\"\n")
                .contains("istio.io/dataplane-mode=\"none\"\n");
        ComponentSpec spec = WaypointPods.spec(waypointPod(), "a4j-mesh-c093-p", "10.244.2.17", NODE, dir, "/cp");
        assertThat(spec.netns()).isEqualTo("a4j-mesh-c093-p");
        assertThat(spec.instance()).isEqualTo("waypoint-mesh-c093-captured-waypoint-6f9c8d7b5-abcde");
        assertThat(spec.command()).endsWith("-cp", "/cp", WaypointPods.MAIN);
    }
}
