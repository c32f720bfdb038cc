package io.ambient4j.cni.agent;

/**
 * What the agent does about one pod after a watch event: compare where the pod should be (policy) with
 * where the annotation says it is. Pending pods are retried; a pod without IPs yet waits for the next event.
 */
public enum MeshAction {
    ADD,
    REMOVE,
    WAIT_FOR_IP,
    NOTHING;

    public static MeshAction plan(EnrolmentPolicy.Decision decision, PodView pod) {
        RedirectionState state = RedirectionState.of(pod);
        if (!decision.ambient()) {
            return state == RedirectionState.NONE ? NOTHING : REMOVE;
        }
        if (state == RedirectionState.ENABLED) {
            return NOTHING;
        }
        return pod.ips().isEmpty() ? WAIT_FOR_IP : ADD;
    }
}
