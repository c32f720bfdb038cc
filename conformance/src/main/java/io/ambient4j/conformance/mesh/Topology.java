package io.ambient4j.conformance.mesh;

import java.util.ArrayList;
import java.util.List;

/**
 * The addressing plan of a local mesh, as a pure value: names and addresses only, no I/O. Node {@code n}
 * (1-based) owns pod CIDR {@code 10.244.n.0/24} with its bridge on {@code .1}; nodes sit on an underlay
 * bridge {@code 10.240.0.0/24} at {@code 10.240.0.(10+n)}; the underlay namespace itself is
 * {@code 10.240.0.1} and stands for "outside the cluster". Service VIPs come from {@code 10.96.0.0/16}.
 */
public record Topology(String prefix, List<NodePlan> nodes) {
    public static final String UNDERLAY_IP = "10.240.0.1";
    public static final String SERVICE_CIDR = "10.96.0.0/16";
    public static final String CLUSTER_DOMAIN = "cluster.local";
    /** Port of the API relay inside every node namespace and the underlay (like a cluster's 6443). */
    public static final int API_RELAY_PORT = 6443;

    /** One node's plan. */
    public record NodePlan(int index, String name, String netns, String nodeIp, String podCidr, String gateway) {
        /** The address of pod number {@code hostPart} in this node's CIDR. */
        public String podIp(int hostPart) {
            return podCidr.substring(0, podCidr.lastIndexOf('.')) + "." + hostPart;
        }
    }

    public Topology {
        if (!prefix.matches("[a-z][a-z0-9]{1,11}")) {
            throw new IllegalArgumentException(
                    "prefix must be 2-12 lowercase letters/digits starting with a letter: '" + prefix + "'");
        }
        if (nodes.isEmpty() || nodes.size() > 200) {
            throw new IllegalArgumentException("node count must be 1..200");
        }
        nodes = List.copyOf(nodes);
    }

    /** The default plan for {@code count} nodes named {@code node-1..node-count}. */
    public static Topology of(String prefix, int count) {
        List<NodePlan> plans = new ArrayList<>();
        for (int i = 1; i <= count; i++) {
            plans.add(new NodePlan(
                    i,
                    "node-" + i,
                    prefix + "-node-" + i,
                    "10.240.0." + (10 + i),
                    "10.244." + i + ".0/24",
                    "10.244." + i + ".1"));
        }
        return new Topology(prefix, plans);
    }

    public String underlayNetns() {
        return prefix + "-underlay";
    }

    /** The netns name of a pod; stable, so users can {@code ip netns exec} into it. */
    public String podNetns(String namespace, String pod) {
        return prefix + "-" + namespace + "-" + pod;
    }

    public NodePlan node(String name) {
        return nodes.stream()
                .filter(n -> n.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new MeshException(MeshException.Reason.NETWORK, "no node named " + name));
    }
}
