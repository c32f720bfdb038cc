package io.ambient4j.cni.agent;

import java.util.Optional;

/**
 * The {@code ambient.istio.io/redirection} annotation as a state. istiod only advertises HBONE for
 * {@link #ENABLED} pods, so a pod must never be marked enabled before both its rules are in and ztunnel
 * has acknowledged it.
 */
public enum RedirectionState {
    /** No annotation: not enrolled (or enrolment failed before any rule was written). */
    NONE(null),
    /** Rules are in place but ztunnel has not acknowledged; removal must still undo the rules. */
    PENDING(AgentConstants.REDIRECTION_PENDING),
    /** Rules in place and ztunnel acknowledged. */
    ENABLED(AgentConstants.REDIRECTION_ENABLED);

    private final String value;

    RedirectionState(String value) {
        this.value = value;
    }

    /** The annotation value, empty for {@link #NONE}. */
    public Optional<String> annotationValue() {
        return Optional.ofNullable(value);
    }

    /** Reads the state from a pod; unknown values count as {@link #PENDING} so removal still runs. */
    public static RedirectionState of(PodView pod) {
        String v = pod.annotations().get(AgentConstants.REDIRECTION_ANNOTATION);
        if (v == null) {
            return NONE;
        }
        return v.equals(AgentConstants.REDIRECTION_ENABLED) ? ENABLED : PENDING;
    }
}
