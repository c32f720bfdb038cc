package io.ambient4j.conformance.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeNamesTest {
    private static Node node(String name, boolean controlPlane) {
        NodeBuilder b = new NodeBuilder().withNewMetadata().withName(name).endMetadata();
        if (controlPlane) {
            b.editMetadata().addToLabels(NodeNames.CONTROL_PLANE, "").endMetadata();
        }
        return b.build();
    }

    @Test
    void C065_workersInNameOrderBecomeNode1AndNode2() {
        assertThat(NodeNames.map(List.of(
                        node("kind-worker2", false), node("kind-control-plane", true), node("kind-worker", false))))
                .containsExactly(Map.entry("node-1", "kind-worker"), Map.entry("node-2", "kind-worker2"));
    }

    @Test
    void C065_aOneNodeClusterUsesItsControlPlane() {
        assertThat(NodeNames.map(List.of(node("kind-control-plane", true))))
                .containsExactly(Map.entry("node-1", "kind-control-plane"));
        assertThat(NodeNames.map(List.of())).isEmpty();
    }
}
