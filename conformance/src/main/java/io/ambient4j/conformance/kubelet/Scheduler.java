package io.ambient4j.conformance.kubelet;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Picks a node for an unscheduled pod, as a pure function: an explicit {@code spec.nodeName} wins, then a
 * {@code kubernetes.io/hostname} node selector, then the node with the fewest pods (ties: first listed),
 * which spreads a Deployment's replicas over the nodes.
 */
public final class Scheduler {
    public static final String HOSTNAME_LABEL = "kubernetes.io/hostname";

    private Scheduler() {}

    /** Returns the chosen node, or empty when the pod asks for a node that does not exist. */
    public static Optional<String> choose(
            String nodeName, Map<String, String> nodeSelector, List<String> nodes, Map<String, Integer> podsPerNode) {
        if (nodeName != null && !nodeName.isEmpty()) {
            return nodes.contains(nodeName) ? Optional.of(nodeName) : Optional.empty();
        }
        String wanted = nodeSelector == null ? null : nodeSelector.get(HOSTNAME_LABEL);
        if (wanted != null) {
            return nodes.contains(wanted) ? Optional.of(wanted) : Optional.empty();
        }
        String best = null;
        int bestCount = Integer.MAX_VALUE;
        for (String node : nodes) {
            int count = podsPerNode.getOrDefault(node, 0);
            if (count < bestCount) {
                best = node;
                bestCount = count;
            }
        }
        return Optional.ofNullable(best);
    }
}
