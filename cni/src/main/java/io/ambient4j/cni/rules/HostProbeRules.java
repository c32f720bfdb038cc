package io.ambient4j.cni.rules;

import static io.ambient4j.cni.rules.RuleConstants.NFT_NAT;
import static io.ambient4j.cni.rules.RuleConstants.POSTRT;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The node-side half of probe handling (ambient-spec §6.3): connections the node itself opens toward an
 * enrolled pod (kubelet probes) are SNATed to the probe address, which the in-pod rules let through
 * without ztunnel. Enrolled pod IPs are kept in an ipset (or an nft set) the rule matches.
 */
public final class HostProbeRules {
    private static final Pattern UID = Pattern.compile("[A-Za-z0-9._-]{1,253}");

    private HostProbeRules() {}

    /** The nat POSTROUTING jump and SNAT rule. The ipset must exist before this is restored. */
    public static IptablesRuleSet iptables(IpFamily family) {
        return new IptablesRuleSet(
                Map.of("nat", List.of(POSTRT)),
                List.of(
                        new IptablesRule("nat", "POSTROUTING", "-j " + POSTRT, true),
                        IptablesRule.append(
                                "nat",
                                POSTRT,
                                "-p tcp -m owner --socket-exists -m set --match-set " + family.probeSet()
                                        + " dst -j SNAT --to-source " + family.probeSnatAddress())));
    }

    /** Creates the probe ipset; {@code -exist} makes it a no-op when present. */
    public static List<String> ipsetCreate(IpFamily family) {
        return List.of(
                "ipset", "create", family.probeSet(), "hash:ip", "family", family.ipsetFamily(), "comment", "-exist");
    }

    /** Adds one pod IP, tagged with the pod UID. */
    public static List<String> ipsetAdd(IpFamily family, InetAddress podIp, String podUid) {
        checkFamily(family, podIp);
        if (!UID.matcher(podUid).matches()) {
            throw new RuleException(RuleException.Reason.BAD_ADDRESS, "bad pod uid '" + podUid + "'");
        }
        return List.of("ipset", "add", family.probeSet(), Addresses.text(podIp), "comment", podUid, "-exist");
    }

    /** Removes one pod IP; absent entries are fine. */
    public static List<String> ipsetDel(IpFamily family, InetAddress podIp) {
        checkFamily(family, podIp);
        return List.of("ipset", "del", family.probeSet(), Addresses.text(podIp), "-exist");
    }

    /** Removal, one command per step, ignoring failures; the set can only go once no rule uses it. */
    public static List<List<String>> removalCommands(IpFamily family) {
        return List.of(
                List.of(family.iptables(), "-t", "nat", "-D", "POSTROUTING", "-j", POSTRT),
                List.of(family.iptables(), "-t", "nat", "-F", POSTRT),
                List.of(family.iptables(), "-t", "nat", "-X", POSTRT),
                List.of("ipset", "destroy", family.probeSet()));
    }

    /**
     * The nftables form for {@code nft -f}. nft has no {@code --socket-exists}, so host-originated traffic is
     * recognised by the kubelet's uid. The set lives in the table; re-running keeps its elements.
     */
    public static String nft(int kubeletUid, boolean ipv6) {
        StringBuilder out = new StringBuilder();
        out.append("add table inet ").append(NFT_NAT).append('\n');
        out.append("add chain inet ")
                .append(NFT_NAT)
                .append(" postrouting { type nat hook postrouting priority 100 ; }\n");
        out.append("flush chain inet ").append(NFT_NAT).append(" postrouting\n");
        for (IpFamily f : ipv6 ? List.of(IpFamily.V4, IpFamily.V6) : List.of(IpFamily.V4)) {
            out.append("add set inet ")
                    .append(NFT_NAT)
                    .append(' ')
                    .append(f.probeSet())
                    .append(" { type ")
                    .append(f.nftAddrType())
                    .append(" ; }\n");
        }
        for (IpFamily f : ipv6 ? List.of(IpFamily.V4, IpFamily.V6) : List.of(IpFamily.V4)) {
            out.append("add rule inet ")
                    .append(NFT_NAT)
                    .append(" postrouting meta l4proto tcp skuid ")
                    .append(kubeletUid)
                    .append(' ')
                    .append(f.nftFamily())
                    .append(" daddr @")
                    .append(f.probeSet())
                    .append(" counter snat ")
                    .append(f.nftFamily())
                    .append(" to ")
                    .append(f.probeSnatAddress())
                    .append('\n');
        }
        return out.toString();
    }

    /** nft command adding one pod IP to the set. */
    public static List<String> nftAdd(IpFamily family, InetAddress podIp) {
        checkFamily(family, podIp);
        return List.of(
                "nft", "add", "element", "inet", NFT_NAT, family.probeSet(), "{ " + Addresses.text(podIp) + " }");
    }

    /** nft command removing one pod IP from the set. */
    public static List<String> nftDel(IpFamily family, InetAddress podIp) {
        checkFamily(family, podIp);
        return List.of(
                "nft", "delete", "element", "inet", NFT_NAT, family.probeSet(), "{ " + Addresses.text(podIp) + " }");
    }

    private static void checkFamily(IpFamily family, InetAddress ip) {
        boolean v4 = ip instanceof java.net.Inet4Address;
        if (v4 != (family == IpFamily.V4)) {
            throw new RuleException(
                    RuleException.Reason.BAD_ADDRESS, ip.getHostAddress() + " is not an " + family + " address");
        }
    }

    /** {@code ipset save <set>}: lists the set with its members. */
    public static List<String> ipsetSave(IpFamily family) {
        return List.of("ipset", "save", family.probeSet());
    }

    /** The member addresses in {@code ipset save} output ({@code add <set> <ip> [comment ...]} lines). */
    public static List<String> parseIpsetMembers(String save, IpFamily family) {
        List<String> ips = new java.util.ArrayList<>();
        for (String line : save.split("\n")) {
            String[] f = line.strip().split("\\s+");
            if (f.length >= 3 && f[0].equals("add") && f[1].equals(family.probeSet())) {
                ips.add(f[2]);
            }
        }
        return List.copyOf(ips);
    }

    /** {@code nft list set} for the probe set. */
    public static List<String> nftListSet(IpFamily family) {
        return List.of("nft", "list", "set", "inet", NFT_NAT, family.probeSet());
    }

    /** The member addresses in {@code nft list set} output ({@code elements = { a, b }}, possibly wrapped). */
    public static List<String> parseNftMembers(String listing) {
        int at = listing.indexOf("elements = {");
        if (at < 0) {
            return List.of();
        }
        int end = listing.indexOf('}', at);
        String body = listing.substring(at + "elements = {".length(), end < 0 ? listing.length() : end);
        return java.util.Arrays.stream(body.split("[,\\s]+"))
                .filter(t -> !t.isEmpty())
                .toList();
    }
}
