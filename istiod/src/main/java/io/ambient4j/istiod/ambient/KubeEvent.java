package io.ambient4j.istiod.ambient;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Objects;

/**
 * One informer event as the index consumes it: the object's latest state, or its deletion. Informer
 * handlers only create these and enqueue them; the single writer applies them in order.
 *
 * @param deleted true for a deletion (then {@code object} is the last known state)
 * @param object a Namespace, Node, Pod, Service, EndpointSlice or one of the CRD model classes
 * @param invalid why the object could not be parsed (then it is withdrawn like a deletion and, for an
 *     AuthorizationPolicy, the reason becomes its status); null for a well-formed object
 */
public record KubeEvent(boolean deleted, HasMetadata object, String invalid) {
    public KubeEvent {
        Objects.requireNonNull(object, "object");
    }

    public static KubeEvent upsert(HasMetadata o) {
        return new KubeEvent(false, o, null);
    }

    public static KubeEvent delete(HasMetadata o) {
        return new KubeEvent(true, o, null);
    }

    /** An object (metadata only) whose content failed to parse: {@code reason} says why. */
    public static KubeEvent invalid(HasMetadata o, String reason) {
        return new KubeEvent(true, o, Objects.requireNonNull(reason, "reason"));
    }
}
