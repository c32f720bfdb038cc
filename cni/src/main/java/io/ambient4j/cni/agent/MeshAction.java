package io.ambient4j.cni.agent;

/**
 * What the agent does about one pod after a watch event: compare where the pod should be (policy) with
 * where the annotation says it is. Pending pods are retried; a pod without IPs yet waits for the next event.
 */
public enum MeshAction {
    ADD,
    /** Enrolled before this agent started: take it over without re-adding (it goes into the ZDS snapshot). */
    ADOPT,
    REMOVE,
    WAIT_FOR_IP,
    NOTHING;

    /** For a pod this agent already tracks. */
    public static MeshAction plan(EnrolmentPolicy.Decision decision, PodView pod) {
        return plan(decision, pod, true);
    }

    /** {@code known}: whether this agent run has added or adopted the pod already. */
    public static MeshAction plan(EnrolmentPolicy.Decision decision, PodView pod, boolean known) {
        RedirectionState state = RedirectionState.of(pod);
        if (!decision.ambient()) {
            return state == RedirectionState.NONE ? NOTHING : REMOVE;
        }
        if (state == RedirectionState.ENABLED) {
            return known ? NOTHING : ADOPT;
        }
        return pod.ips().isEmpty() ? WAIT_FOR_IP : ADD;
    }
}
