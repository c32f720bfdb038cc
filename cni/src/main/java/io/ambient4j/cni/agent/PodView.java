package io.ambient4j.cni.agent;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The facts about a pod that enrolment depends on, as an immutable value. Converted once from the
 * Kubernetes object at the informer edge so the decisions below are pure and table-testable.
 */
public record PodView(
        String uid,
        String name,
        String namespace,
        Map<String, String> labels,
        Map<String, String> annotations,
        boolean hostNetwork,
        String phase,
        List<String> ips) {
    public PodView {
        Objects.requireNonNull(uid, "uid");
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(namespace, "namespace");
        labels = Map.copyOf(labels);
        annotations = Map.copyOf(annotations);
        phase = phase == null ? "" : phase;
        ips = List.copyOf(ips);
    }

    /** The same pod with {@code newIps} (the CNI result's addresses, known before the pod status has them). */
    public PodView withIps(List<String> newIps) {
        return new PodView(uid, name, namespace, labels, annotations, hostNetwork, phase, newIps);
    }

    /** Succeeded or Failed: a finished Job pod keeps existing but must leave the mesh. */
    public boolean terminal() {
        return phase.equals("Succeeded") || phase.equals("Failed");
    }
}
