package io.ambient4j.cni.rules;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What the node's probe state needs so kubelet probes of enrolled pods keep working while the agent runs
 * (ambient-spec §6.3): someone may flush or destroy the probe set, or delete or flush the {@code ISTIO_POSTRT}
 * chain and its POSTROUTING jump, and pods may leave while an entry lingers. Pure: desired versus observed
 * in, the actions out; the agent runs them on the pod worker.
 */
public final class ProbeHealing {
    private ProbeHealing() {}

    /** What was read back from the node for one family. {@code members} is empty when the set is absent. */
    public record Observed(boolean setPresent, boolean rulesIntact, Set<InetAddress> members) {
        public Observed {
            members = Set.copyOf(members);
        }
    }

    /** One step; applied in list order. */
    public sealed interface Action {
        /** Create the set if absent and (re)install the chain, its SNAT rule and the POSTROUTING jump. */
        record EnsureSetAndRules() implements Action {}

        /** Put an enrolled pod's IP (tagged with its UID) into the set. */
        record AddMember(InetAddress ip, String podUid) implements Action {}

        /** Take an IP of a pod that is no longer enrolled out of the set. */
        record RemoveMember(InetAddress ip) implements Action {}
    }

    /**
     * Actions that turn {@code observed} into {@code desired} (enrolled IP of this family to pod UID): the
     * set and rules first (members cannot be added to an absent set), then missing members, then stale
     * ones. Empty when nothing is wrong.
     */
    public static List<Action> plan(Map<InetAddress, String> desired, Observed observed) {
        List<Action> actions = new ArrayList<>();
        if (!observed.setPresent() || !observed.rulesIntact()) {
            actions.add(new Action.EnsureSetAndRules());
        }
        Set<InetAddress> present = observed.setPresent() ? observed.members() : Set.of();
        desired.entrySet().stream()
                .filter(e -> !present.contains(e.getKey()))
                .sorted(Map.Entry.comparingByKey(ProbeHealing::compare))
                .forEach(e -> actions.add(new Action.AddMember(e.getKey(), e.getValue())));
        present.stream()
                .filter(ip -> !desired.containsKey(ip))
                .sorted(ProbeHealing::compare)
                .forEach(ip -> actions.add(new Action.RemoveMember(ip)));
        return List.copyOf(actions);
    }

    private static int compare(InetAddress a, InetAddress b) {
        return java.util.Arrays.compare(a.getAddress(), b.getAddress());
    }
}
