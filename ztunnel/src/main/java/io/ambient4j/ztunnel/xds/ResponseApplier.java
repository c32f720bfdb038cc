package io.ambient4j.ztunnel.xds;

import io.ambient4j.api.discovery.DeltaDiscoveryResponse;

/**
 * Turns one delta response into state changes. Kept apart from {@link XdsClient}'s stream handling so the same
 * client serves ztunnel (Address, Authorization) and the waypoint (Address plus its L7 types): each component brings
 * the applier for its own resource types and its own single state writer.
 */
@FunctionalInterface
public interface ResponseApplier {
    /** Converts and applies the good resources of {@code response}; reports the bad ones by name. */
    AppliedResponse apply(DeltaDiscoveryResponse response);
}
