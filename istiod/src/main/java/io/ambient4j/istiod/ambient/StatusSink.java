package io.ambient4j.istiod.ambient;

/**
 * Where the index reports the conditions it owns. The real one patches the Kubernetes status (I/O, kept at
 * the edge on its own thread); the index only calls it when a condition changes, and never blocks.
 */
@FunctionalInterface
public interface StatusSink {
    /** The policy {@code namespace/name} now has {@code status}; null means the condition is to be removed. */
    void policyStatus(String namespace, String name, PolicyStatus status);

    /**
     * The {@code istio.io/WaypointBound} condition of a Service, ServiceEntry or WorkloadEntry; null means the
     * condition is to be removed. Ignored unless overridden.
     */
    default void bindingStatus(BindingStatus.Target target, String namespace, String name, BindingStatus status) {}

    StatusSink NONE = (ns, name, status) -> {};
}
