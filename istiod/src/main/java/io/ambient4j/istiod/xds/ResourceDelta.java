package io.ambient4j.istiod.xds;

import java.util.List;
import java.util.Set;

/**
 * What changed for one type URL after one batch of Kubernetes events: resources added or changed, and
 * names removed. An event that changes nothing produces no delta, so the server pushes only real changes.
 *
 * @param typeUrl e.g. {@link TypeUrls#ADDRESS}
 * @param upserted resources whose content changed (or are new)
 * @param removed names that no longer exist
 */
public record ResourceDelta(String typeUrl, List<XdsResource> upserted, Set<String> removed) {
    public ResourceDelta {
        upserted = List.copyOf(upserted);
        removed = Set.copyOf(removed);
    }

    /** True when this delta carries nothing to push. */
    public boolean isEmpty() {
        return upserted.isEmpty() && removed.isEmpty();
    }
}
