package io.ambient4j.cni.rules;

import static io.ambient4j.cni.rules.RuleConstants.DNS_PORT;
import static io.ambient4j.cni.rules.RuleConstants.HBONE_PORT;
import static io.ambient4j.cni.rules.RuleConstants.INBOUND_PLAINTEXT_PORT;
import static io.ambient4j.cni.rules.RuleConstants.OUTBOUND_PORT;
import static io.ambient4j.cni.rules.RuleConstants.OUTPUT;
import static io.ambient4j.cni.rules.RuleConstants.PRERT;
import static io.ambient4j.cni.rules.RuleConstants.RESTORE_MASK;
import static io.ambient4j.cni.rules.RuleConstants.connMark;
import static io.ambient4j.cni.rules.RuleConstants.hex;
import static io.ambient4j.cni.rules.RuleConstants.inpodMark;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The in-pod capture rules of ambient-spec §6.2 as iptables rule sets: nat REDIRECT to ztunnel's in-pod
 * listeners, mangle connmark so replies to ztunnel's spoofed connections route back to it, and raw CT
 * zones keeping ztunnel's own DNS conntrack apart. Pure: options in, rules out.
 */
public final class InpodIptables {
    private static final String MANGLE = "mangle";
    private static final String NAT = "nat";
    private static final String RAW = "raw";

    private InpodIptables() {}

    /** The full in-pod rule set for one family. */
    public static IptablesRuleSet rules(PodRuleOptions options, IpFamily family) {
        String lo = family.loopback();
        String notMarked = "-m mark ! --mark " + inpodMark();
        List<IptablesRule> rules = new ArrayList<>();

        rules.add(IptablesRule.append(MANGLE, "PREROUTING", "-j " + PRERT));
        rules.add(IptablesRule.append(MANGLE, "OUTPUT", "-j " + OUTPUT));
        rules.add(IptablesRule.append(
                MANGLE, PRERT, "-m mark --mark " + inpodMark() + " -j CONNMARK --set-xmark " + connMark()));
        rules.add(IptablesRule.append(
                MANGLE,
                OUTPUT,
                "-m connmark --mark " + connMark() + " -j CONNMARK --restore-mark --nfmask " + hex(RESTORE_MASK)
                        + " --ctmask " + hex(RESTORE_MASK)));

        rules.add(IptablesRule.append(NAT, "PREROUTING", "-j " + PRERT));
        rules.add(IptablesRule.append(NAT, "OUTPUT", "-j " + OUTPUT));
        for (String dev : options.rerouteInterfaces()) {
            rules.add(IptablesRule.append(NAT, PRERT, "-i " + dev + " -p tcp -j REDIRECT --to-ports " + OUTBOUND_PORT));
            rules.add(IptablesRule.append(NAT, PRERT, "-i " + dev + " -p tcp -j RETURN"));
        }
        if (!options.bypassInboundCapture()) {
            rules.add(IptablesRule.append(NAT, PRERT, "-s " + family.probeSnatHost() + " -p tcp -m tcp -j ACCEPT"));
            rules.add(IptablesRule.append(
                    NAT,
                    PRERT,
                    "! -d " + lo + " -p tcp -m tcp ! --dport " + HBONE_PORT + " " + notMarked
                            + " -j REDIRECT --to-ports " + INBOUND_PLAINTEXT_PORT));
        }
        rules.add(IptablesRule.append(NAT, OUTPUT, "-d " + family.probeSnatHost() + " -p tcp -m tcp -j ACCEPT"));
        if (options.dnsCapture()) {
            rules.add(IptablesRule.append(
                    NAT,
                    OUTPUT,
                    "! -o lo -p udp " + notMarked + " -m udp --dport 53 -j REDIRECT --to-ports " + DNS_PORT));
            rules.add(IptablesRule.append(
                    NAT,
                    OUTPUT,
                    "! -d " + lo + " -p tcp -m tcp --dport 53 " + notMarked + " -j REDIRECT --to-ports " + DNS_PORT));
        }
        rules.add(IptablesRule.append(NAT, OUTPUT, "-p tcp -m mark --mark " + connMark() + " -j ACCEPT"));
        rules.add(IptablesRule.append(NAT, OUTPUT, "! -d " + lo + " -o lo -j ACCEPT"));
        rules.add(IptablesRule.append(
                NAT, OUTPUT, "! -d " + lo + " -p tcp " + notMarked + " -j REDIRECT --to-ports " + OUTBOUND_PORT));

        Map<String, List<String>> chains = new LinkedHashMap<>();
        chains.put(MANGLE, List.of(PRERT, OUTPUT));
        chains.put(NAT, List.of(PRERT, OUTPUT));
        if (options.dnsCapture()) {
            chains.put(RAW, List.of(PRERT, OUTPUT));
            rules.add(IptablesRule.append(RAW, "PREROUTING", "-j " + PRERT));
            rules.add(IptablesRule.append(RAW, "OUTPUT", "-j " + OUTPUT));
            rules.add(IptablesRule.append(RAW, PRERT, "-p udp " + notMarked + " -m udp --sport 53 -j CT --zone 1"));
            rules.add(IptablesRule.append(
                    RAW, OUTPUT, "-p udp -m mark --mark " + inpodMark() + " -m udp --dport 53 -j CT --zone 1"));
        }
        return new IptablesRuleSet(chains, rules);
    }

    /**
     * Un-enrolment, one {@code iptables} argument list per step, to run one by one ignoring failures
     * (a single restore transaction cannot remove partial state): jumps first, then flush, then delete.
     */
    public static List<List<String>> removalCommands(IpFamily family) {
        List<List<String>> cmds = new ArrayList<>();
        for (String table : List.of(MANGLE, NAT, RAW)) {
            cmds.add(List.of(family.iptables(), "-t", table, "-D", "PREROUTING", "-j", PRERT));
            cmds.add(List.of(family.iptables(), "-t", table, "-D", "OUTPUT", "-j", OUTPUT));
        }
        for (String op : List.of("-F", "-X")) {
            for (String table : List.of(MANGLE, NAT, RAW)) {
                cmds.add(List.of(family.iptables(), "-t", table, op, PRERT));
                cmds.add(List.of(family.iptables(), "-t", table, op, OUTPUT));
            }
        }
        return List.copyOf(cmds);
    }
}
