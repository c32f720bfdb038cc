package io.ambient4j.cni.netns;

import io.ambient4j.cni.rules.HostProbeRules;
import io.ambient4j.cni.rules.IpFamily;
import io.ambient4j.cni.rules.IptablesRuleSet;
import io.ambient4j.cni.rules.IptablesState;
import io.ambient4j.cni.rules.ProbeHealing;
import io.ambient4j.cni.rules.RuleConstants;
import io.ambient4j.cni.rules.RuleSync;
import io.ambient4j.common.net.Netns;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The node side of probe handling in the node's namespace: the set of enrolled pod IPs and the nat
 * POSTROUTING SNAT to the probe address. With iptables the ipset is created before the rule (the rule
 * cannot be loaded without it) and destroyed only after the rule is gone (the kernel refuses while it is
 * in use). With nftables the set lives in the table and matching is by the kubelet's uid.
 */
public final class HostProbe {
    private final CommandRunner runner;
    private final Netns node;
    private final Backend backend;
    private final int kubeletUid;

    /** iptables form. */
    public HostProbe(CommandRunner runner, Netns node) {
        this(runner, node, Backend.IPTABLES, 0);
    }

    /** Either form; {@code kubeletUid} is only used by nftables. */
    public HostProbe(CommandRunner runner, Netns node, Backend backend, int kubeletUid) {
        this.runner = runner;
        this.node = node;
        this.backend = backend;
        this.kubeletUid = kubeletUid;
    }

    /** Ensures the set and the rule exist, exactly once. */
    public RuleSync.Action ensure(IpFamily family) throws IOException {
        if (backend == Backend.NFTABLES) {
            runner.run(node, List.of("nft", "-f", "-"), HostProbeRules.nft(kubeletUid, family == IpFamily.V6))
                    .orThrow();
            return RuleSync.Action.APPLY;
        }
        runner.check(node, HostProbeRules.ipsetCreate(family));
        IptablesRuleSet desired = HostProbeRules.iptables(family);
        RuleSync.Action action = RuleSync.decide(desired.expectedState(), state(family));
        if (action == RuleSync.Action.REMOVE_THEN_APPLY) {
            removeRules(family);
        }
        if (action != RuleSync.Action.NONE) {
            runner.run(node, List.of(family.iptablesRestore(), "--noflush"), desired.restoreText())
                    .orThrow();
            IptablesState after = state(family);
            if (!after.equals(desired.expectedState())) {
                throw new NetnsCommandException(
                        NetnsCommandException.Reason.VERIFY_FAILED,
                        "host probe rules read back as " + after + ", expected " + desired.expectedState());
            }
        }
        return action;
    }

    /** Adds an enrolled pod's IP. */
    public void addPod(IpFamily family, InetAddress ip, String uid) throws IOException {
        runner.check(
                node,
                backend == Backend.NFTABLES
                        ? HostProbeRules.nftAdd(family, ip)
                        : HostProbeRules.ipsetAdd(family, ip, uid));
    }

    /** Removes a pod's IP (absent is fine). */
    public void removePod(IpFamily family, InetAddress ip) throws IOException {
        if (backend == Backend.NFTABLES) {
            // "delete element" fails when absent; that is the state we want.
            runner.run(node, HostProbeRules.nftDel(family, ip), null);
            return;
        }
        runner.check(node, HostProbeRules.ipsetDel(family, ip));
    }

    /** The pod IPs currently in the probe set. */
    public List<InetAddress> members(IpFamily family) throws IOException {
        List<String> ips = backend == Backend.NFTABLES
                ? HostProbeRules.parseNftMembers(
                        runner.check(node, HostProbeRules.nftListSet(family)).stdout())
                : HostProbeRules.parseIpsetMembers(
                        runner.check(node, HostProbeRules.ipsetSave(family)).stdout(), family);
        return ips.stream().map(InetAddress::ofLiteral).toList();
    }

    /**
     * Removes every member not in {@code keep}: entries of pods that left while no agent was running (upstream
     * resyncs its host ipsets from the pod snapshot at start-up). Returns what was removed.
     */
    public List<InetAddress> prune(IpFamily family, java.util.Set<InetAddress> keep) throws IOException {
        List<InetAddress> stale =
                members(family).stream().filter(ip -> !keep.contains(ip)).toList();
        for (InetAddress ip : stale) {
            removePod(family, ip);
        }
        return stale;
    }

    /**
     * Reads back what {@link io.ambient4j.cni.rules.ProbeHealing} compares: is the set there, are the chain,
     * its rule and the POSTROUTING jump intact, and which IPs the set holds.
     */
    public ProbeHealing.Observed observe(IpFamily family) throws IOException {
        if (backend == Backend.NFTABLES) {
            CommandRunner.Result set = runner.run(node, HostProbeRules.nftListSet(family), null);
            boolean present = set.ok();
            CommandRunner.Result chain = runner.run(
                    node, List.of("nft", "list", "chain", "inet", RuleConstants.NFT_NAT, "postrouting"), null);
            boolean intact = chain.ok() && chain.stdout().contains("@" + family.probeSet());
            Set<InetAddress> members = present
                    ? HostProbeRules.parseNftMembers(set.stdout()).stream()
                            .map(InetAddress::ofLiteral)
                            .collect(Collectors.toSet())
                    : Set.of();
            return new ProbeHealing.Observed(present, intact, members);
        }
        CommandRunner.Result save = runner.run(node, HostProbeRules.ipsetSave(family), null);
        boolean present = save.ok();
        Set<InetAddress> members = present
                ? HostProbeRules.parseIpsetMembers(save.stdout(), family).stream()
                        .map(InetAddress::ofLiteral)
                        .collect(Collectors.toSet())
                : Set.of();
        boolean intact = state(family).equals(HostProbeRules.iptables(family).expectedState());
        return new ProbeHealing.Observed(present, intact, members);
    }

    /** The Istio-owned host state (iptables form). */
    public IptablesState state(IpFamily family) throws IOException {
        String save =
                runner.check(node, List.of(family.iptablesSave(), "-t", "nat")).stdout();
        return IptablesState.parse(save, List.of(RuleConstants.POSTRT));
    }

    /** Removes the rule, then the set. */
    public void removeAll(IpFamily family) throws IOException {
        if (backend == Backend.NFTABLES) {
            runner.run(node, List.of("nft", "delete", "table", "inet", RuleConstants.NFT_NAT), null);
            return;
        }
        removeRules(family);
        runner.run(node, HostProbeRules.removalCommands(family).getLast(), null);
    }

    private void removeRules(IpFamily family) throws IOException {
        List<List<String>> cmds = HostProbeRules.removalCommands(family);
        for (List<String> cmd : cmds.subList(0, cmds.size() - 1)) {
            runner.run(node, cmd, null);
        }
    }
}
