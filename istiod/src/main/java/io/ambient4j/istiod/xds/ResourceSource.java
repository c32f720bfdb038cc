package io.ambient4j.istiod.xds;

import java.util.Map;
import java.util.function.Consumer;

/**
 * Where the delta ADS server gets its resources: the ambient index implements this.
 *
 * <p>{@link #snapshot} answers a new subscriber with everything current; {@link #subscribe} delivers
 * every later change in order. Listeners are called on the index's single writer thread and must not
 * block: the server only enqueues the delta for each connected stream.
 */
public interface ResourceSource {
    /** Every current resource of {@code typeUrl}, by name. Immutable. */
    Map<String, XdsResource> snapshot(String typeUrl);

    /** Registers a listener for all later deltas (all type URLs). */
    void subscribe(Consumer<ResourceDelta> listener);
}
