package io.ambient4j.istiod.ambient;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.Objects;

/**
 * One informer event as the index consumes it: the object's latest state, or its deletion. Informer
 * handlers only create these and enqueue them; the single writer applies them in order.
 *
 * @param deleted true for a deletion (then {@code object} is the last known state)
 * @param object a Namespace, Node, Pod, Service, EndpointSlice or one of the CRD model classes
 */
public record KubeEvent(boolean deleted, HasMetadata object) {
    public KubeEvent {
        Objects.requireNonNull(object, "object");
    }

    public static KubeEvent upsert(HasMetadata o) {
        return new KubeEvent(false, o);
    }

    public static KubeEvent delete(HasMetadata o) {
        return new KubeEvent(true, o);
    }
}
