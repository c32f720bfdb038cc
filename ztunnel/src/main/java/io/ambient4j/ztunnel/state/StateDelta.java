package io.ambient4j.ztunnel.state;

import io.ambient4j.ztunnel.rbac.Authorization;
import java.util.List;

/**
 * One batch of converted changes (typically one xDS response) applied atomically by the {@link StateUpdater}.
 *
 * @param addresses workloads and services to insert or replace
 * @param removedAddresses resource names of removed addresses (workload uid or {@code <ns>/<hostname>})
 * @param policies policies to insert or replace
 * @param removedPolicies {@code <ns>/<name>} of removed policies
 */
public record StateDelta(
        List<Address> addresses,
        List<String> removedAddresses,
        List<Authorization> policies,
        List<String> removedPolicies) {
    public StateDelta {
        addresses = List.copyOf(addresses);
        removedAddresses = List.copyOf(removedAddresses);
        policies = List.copyOf(policies);
        removedPolicies = List.copyOf(removedPolicies);
    }

    public static StateDelta ofAddresses(List<Address> upserts, List<String> removals) {
        return new StateDelta(upserts, removals, List.of(), List.of());
    }

    public static StateDelta ofPolicies(List<Authorization> upserts, List<String> removals) {
        return new StateDelta(List.of(), List.of(), upserts, removals);
    }
}
