package io.ambient4j.cni.netns;

import io.ambient4j.cni.rules.InpodIptables;
import io.ambient4j.cni.rules.InpodNftables;
import io.ambient4j.cni.rules.IpFamily;
import io.ambient4j.cni.rules.IptablesRuleSet;
import io.ambient4j.cni.rules.IptablesState;
import io.ambient4j.cni.rules.PodRuleOptions;
import io.ambient4j.cni.rules.PolicyRouting;
import io.ambient4j.cni.rules.RuleSync;
import io.ambient4j.common.net.Netns;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;

/**
 * Installs and removes the capture rules inside one pod's namespace, following the order proven in
 * netns-notes §3: policy route, fwmark rule, then the capture rules. Re-applying is idempotent: the
 * iptables state is read back first and only rewritten when it differs, and verified after writing.
 */
public final class InpodRules {
    private static final System.Logger LOG = System.getLogger(InpodRules.class.getName());
    /** A jump duplicated by drift is removed by repeating {@code -D}; this bounds the repeats. */
    private static final int MAX_DUPLICATE_DELETES = 8;

    private final CommandRunner runner;
    private final Backend backend;

    public InpodRules(CommandRunner runner, Backend backend) {
        this.runner = runner;
        this.backend = backend;
    }

    /** Brings the pod's rules to exactly {@code options}; returns what was done for IPv4. */
    public RuleSync.Action apply(Netns pod, PodRuleOptions options) throws IOException {
        List<IpFamily> families = families(options);
        for (IpFamily f : families) {
            addRouting(pod, f);
        }
        enableListenerHandover(pod);
        if (backend == Backend.NFTABLES) {
            return applyNft(pod, options);
        }
        RuleSync.Action first = null;
        for (IpFamily f : families) {
            RuleSync.Action done = applyIptables(pod, options, f);
            first = first == null ? done : first;
        }
        return first;
    }

    /** Removes everything {@link #apply} may have installed; tolerant of partial state. */
    public void remove(Netns pod, boolean ipv6) throws IOException {
        List<IpFamily> families = ipv6 ? List.of(IpFamily.V4, IpFamily.V6) : List.of(IpFamily.V4);
        if (backend == Backend.NFTABLES) {
            for (List<String> cmd : InpodNftables.removalCommands()) {
                runner.run(pod, cmd, null);
            }
        } else {
            for (IpFamily f : families) {
                removeIptables(pod, f);
            }
        }
        for (IpFamily f : families) {
            for (List<String> cmd : PolicyRouting.removeCommands(f)) {
                runner.run(pod, cmd, null);
            }
        }
    }

    /** The Istio-owned iptables state of the pod for one family. */
    public IptablesState state(Netns pod, IpFamily family) throws IOException {
        String save = runner.check(pod, List.of(family.iptablesSave())).stdout();
        return IptablesState.parse(
                save, List.of(io.ambient4j.cni.rules.RuleConstants.PRERT, io.ambient4j.cni.rules.RuleConstants.OUTPUT));
    }

    private RuleSync.Action applyIptables(Netns pod, PodRuleOptions options, IpFamily family) throws IOException {
        IptablesRuleSet desired = InpodIptables.rules(options, family);
        RuleSync.Action action = RuleSync.decide(desired.expectedState(), state(pod, family));
        if (action == RuleSync.Action.NONE) {
            return action;
        }
        if (action == RuleSync.Action.REMOVE_THEN_APPLY) {
            LOG.log(Level.INFO, "rules in {0} drifted; replacing them", pod);
            removeIptables(pod, family);
        }
        runner.run(pod, List.of(family.iptablesRestore(), "--noflush"), desired.restoreText())
                .orThrow();
        IptablesState after = state(pod, family);
        if (!after.equals(desired.expectedState())) {
            throw new NetnsCommandException(
                    NetnsCommandException.Reason.VERIFY_FAILED,
                    family + " rules in " + pod + " read back as " + after + ", expected " + desired.expectedState());
        }
        return action;
    }

    private void removeIptables(Netns pod, IpFamily family) throws IOException {
        for (List<String> cmd : InpodIptables.removalCommands(family)) {
            boolean isJumpDelete = cmd.contains("-D");
            int attempts = isJumpDelete ? MAX_DUPLICATE_DELETES : 1;
            for (int i = 0; i < attempts; i++) {
                if (!runner.run(pod, cmd, null).ok()) {
                    break;
                }
            }
        }
    }

    private RuleSync.Action applyNft(Netns pod, PodRuleOptions options) throws IOException {
        String text = InpodNftables.rules(options);
        CommandRunner.Result first = runner.run(pod, List.of("nft", "-f", "-"), text);
        if (first.ok()) {
            dropTablesOutside(pod, options);
            return RuleSync.Action.APPLY;
        }
        // A chain with another hook type cannot be re-added in place: drop our tables and retry once.
        LOG.log(
                Level.INFO,
                "nft apply in {0} failed ({1}); recreating tables",
                pod,
                first.stderr().strip());
        for (List<String> cmd : InpodNftables.removalCommands()) {
            runner.run(pod, cmd, null);
        }
        runner.run(pod, List.of("nft", "-f", "-"), text).orThrow();
        return RuleSync.Action.REMOVE_THEN_APPLY;
    }

    /** A variant without DNS capture has no raw table; one left from an earlier variant must go. */
    private void dropTablesOutside(Netns pod, PodRuleOptions options) throws IOException {
        List<String> wanted = InpodNftables.tables(options);
        for (List<String> cmd : InpodNftables.removalCommands()) {
            if (!wanted.contains(cmd.getLast())) {
                runner.run(pod, cmd, null);
            }
        }
    }

    /**
     * ztunnel upgrades by binding a second set of SO_REUSEPORT listeners in the pod and closing the old ones; Linux
     * resets the connections still waiting in a closing listener's accept queue unless {@code tcp_migrate_req}
     * (5.14+, per network namespace) hands them to another listener of the group. Best effort: an older kernel
     * keeps working, with that rare reset during an upgrade.
     */
    private void enableListenerHandover(Netns pod) {
        try {
            runner.writeSysctl(pod, MIGRATE_REQ, "1");
        } catch (IOException | RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot set {0} in {1}: {2}", MIGRATE_REQ, pod, e.getMessage());
        }
    }

    /** The sysctl that lets a closing SO_REUSEPORT listener pass its queued connections on. */
    public static final String MIGRATE_REQ = "net.ipv4.tcp_migrate_req";

    private void addRouting(Netns pod, IpFamily family) throws IOException {
        List<List<String>> cmds = PolicyRouting.addCommands(family);
        runner.check(pod, cmds.get(0));
        CommandRunner.Result rule = runner.run(pod, cmds.get(1), null);
        if (!rule.ok() && !rule.stderr().contains("File exists")) {
            rule.orThrow();
        }
    }

    private static List<IpFamily> families(PodRuleOptions options) {
        List<IpFamily> out = new ArrayList<>(List.of(IpFamily.V4));
        if (options.ipv6()) {
            out.add(IpFamily.V6);
        }
        return out;
    }
}
