package io.ambient4j.istiod.xds;

import java.util.Set;

/**
 * Turns a name an on-demand client subscribed to into the resource names it stands for (see
 * {@link ResourceSource#resolve}). A seam so {@link DeltaStreamState} stays free of any store.
 */
@FunctionalInterface
public interface NameResolver {
    /** Each name stands for the resource of the same name, and nothing else. */
    NameResolver IDENTITY = (typeUrl, name) -> Set.of(name);

    /** The resource names {@code name} stands for; empty when it is unknown. */
    Set<String> resolve(String typeUrl, String name);
}
