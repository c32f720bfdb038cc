package io.ambient4j.ztunnel.xds;

import java.util.List;
import java.util.Map;

/**
 * The outcome of applying one delta response: what the ACK records as held, and what the NACK names.
 *
 * @param accepted name → version of the resources applied
 * @param removed names removed
 * @param rejected resources not applied
 */
public record AppliedResponse(Map<String, String> accepted, List<String> removed, List<RejectedResource> rejected) {
    public AppliedResponse {
        accepted = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(accepted));
        removed = List.copyOf(removed);
        rejected = List.copyOf(rejected);
    }
}
