package io.ambient4j.cni.agent;

import java.util.Optional;

/**
 * How the redirection annotation moves (C017): a full add sets {@code enabled}; a retryable partial add
 * (rules in, ztunnel not acked) sets {@code pending}; a non-retryable add failure writes nothing; a
 * successful remove deletes the annotation; a failed remove leaves it; a deleted pod is never patched.
 */
public final class AnnotationMachine {
    /** What happened to the pod. */
    public enum Event {
        ADD_SUCCEEDED,
        ADD_PARTIAL,
        ADD_FAILED,
        REMOVE_SUCCEEDED,
        REMOVE_FAILED,
        POD_DELETED
    }

    /** The resulting state and the merge patch to send, if any. */
    public record Transition(RedirectionState next, Optional<String> mergePatch) {}

    private AnnotationMachine() {}

    public static Transition next(RedirectionState current, Event event) {
        return switch (event) {
            case ADD_SUCCEEDED -> to(current, RedirectionState.ENABLED);
            case ADD_PARTIAL -> to(current, RedirectionState.PENDING);
            case REMOVE_SUCCEEDED -> to(current, RedirectionState.NONE);
            case ADD_FAILED, REMOVE_FAILED, POD_DELETED -> new Transition(current, Optional.empty());
        };
    }

    private static Transition to(RedirectionState current, RedirectionState next) {
        if (current == next) {
            return new Transition(next, Optional.empty());
        }
        String value = next.annotationValue().map(v -> "\"" + v + "\"").orElse("null");
        return new Transition(
                next,
                Optional.of("{\"metadata\":{\"annotations\":{\"" + AgentConstants.REDIRECTION_ANNOTATION + "\":" + value
                        + "}}}"));
    }
}
