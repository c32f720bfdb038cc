package io.ambient4j.istiod.xds;

import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Where the delta ADS server gets its resources: the ambient index implements this.
 *
 * <p>{@link #snapshot} answers a new subscriber with everything current; {@link #subscribe} delivers
 * every later change in order. Listeners are called on the index's single writer thread and must not
 * block: the server only enqueues the delta for each connected stream. {@link #resolve} lets an on-demand
 * client subscribe by a name that is not a resource name (an Address alias such as {@code <network>/<ip>}).
 */
public interface ResourceSource {
    /** Every current resource of {@code typeUrl}, by name. Immutable. */
    Map<String, XdsResource> snapshot(String typeUrl);

    /** Registers a listener for all later deltas (all type URLs). */
    void subscribe(Consumer<ResourceDelta> listener);

    /**
     * The resource names an on-demand subscription to {@code name} stands for right now: the name itself
     * when it is a resource, the resources an alias refers to, or nothing when it is unknown. The default
     * knows no aliases.
     */
    default Set<String> resolve(String typeUrl, String name) {
        return snapshot(typeUrl).containsKey(name) ? Set.of(name) : Set.of();
    }

    /**
     * The waypoint ({@code ns/name} of its Gateway) a proxy pod is an instance of, so a waypoint stream gets only
     * the L7 resources that concern it. Empty when unknown. The default knows no pods.
     */
    default java.util.Optional<String> waypointOfPod(String podNamespace, String podName) {
        return java.util.Optional.empty();
    }
}
