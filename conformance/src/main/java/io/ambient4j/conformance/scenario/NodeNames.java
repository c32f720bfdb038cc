package io.ambient4j.conformance.scenario;

import io.fabric8.kubernetes.api.model.Node;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Scenario node names ({@code node-1}, {@code node-2}, as the local mesh names its nodes) mapped onto a real
 * cluster's nodes (pure): the worker nodes (no {@code node-role.kubernetes.io/control-plane} label) sorted by name,
 * or every node when there are no workers (a one-node kind cluster). A kind cluster made with two workers gives
 * {@code node-1 -> <cluster>-worker}, {@code node-2 -> <cluster>-worker2}.
 */
public final class NodeNames {
    static final String CONTROL_PLANE = "node-role.kubernetes.io/control-plane";

    private NodeNames() {}

    /** {@code node-N} to the cluster's node names (pure). */
    public static Map<String, String> map(List<Node> nodes) {
        List<String> workers = nodes.stream()
                .filter(n -> n.getMetadata().getLabels() == null
                        || !n.getMetadata().getLabels().containsKey(CONTROL_PLANE))
                .map(n -> n.getMetadata().getName())
                .sorted()
                .toList();
        List<String> use = workers.isEmpty()
                ? nodes.stream().map(n -> n.getMetadata().getName()).sorted().toList()
                : workers;
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < use.size(); i++) {
            out.put("node-" + (i + 1), use.get(i));
        }
        return out;
    }

    /** Whether a name is a scenario node name ({@code node-N}). */
    static boolean scenarioName(String name) {
        return name != null && name.matches("node-[0-9]+");
    }
}
