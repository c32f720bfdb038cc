package io.ambient4j.cni.rules;

import static io.ambient4j.cni.rules.RuleConstants.CONN_MARK;
import static io.ambient4j.cni.rules.RuleConstants.DNS_PORT;
import static io.ambient4j.cni.rules.RuleConstants.HBONE_PORT;
import static io.ambient4j.cni.rules.RuleConstants.INBOUND_PLAINTEXT_PORT;
import static io.ambient4j.cni.rules.RuleConstants.INPOD_MARK;
import static io.ambient4j.cni.rules.RuleConstants.INPOD_MASK;
import static io.ambient4j.cni.rules.RuleConstants.NFT_MANGLE;
import static io.ambient4j.cni.rules.RuleConstants.NFT_NAT;
import static io.ambient4j.cni.rules.RuleConstants.NFT_OUTPUT;
import static io.ambient4j.cni.rules.RuleConstants.NFT_PRERT;
import static io.ambient4j.cni.rules.RuleConstants.NFT_RAW;
import static io.ambient4j.cni.rules.RuleConstants.OUTBOUND_PORT;
import static io.ambient4j.cni.rules.RuleConstants.hex;

import java.util.List;

/**
 * The in-pod rules of ambient-spec §6.2 in native nftables form ({@code NATIVE_NFTABLES}): three
 * {@code inet} tables at the priorities of the iptables nat, mangle and raw tables. Each table is added
 * and flushed first, so the file can be re-run. The mangle output chain is {@code type route} so the
 * restored mark re-routes the packet, as iptables' mangle OUTPUT does.
 */
public final class InpodNftables {
    private InpodNftables() {}

    /** The text for {@code nft -f}. */
    public static String rules(PodRuleOptions options) {
        List<IpFamily> families = options.ipv6() ? List.of(IpFamily.V4, IpFamily.V6) : List.of(IpFamily.V4);
        String notMarked = "meta mark & " + hex(INPOD_MASK) + " != " + hex(INPOD_MARK);
        Text t = new Text();

        t.table(NFT_NAT);
        t.base(NFT_NAT, "prerouting", "nat", "prerouting", -100);
        t.base(NFT_NAT, "output", "nat", "output", -100);
        t.regular(NFT_NAT);
        t.rule(NFT_NAT, "prerouting", "jump " + NFT_PRERT);
        t.rule(NFT_NAT, "output", "jump " + NFT_OUTPUT);
        for (String dev : options.rerouteInterfaces()) {
            t.rule(
                    NFT_NAT,
                    NFT_PRERT,
                    "iifname \"" + dev + "\" meta l4proto tcp counter redirect to :" + OUTBOUND_PORT);
            t.rule(NFT_NAT, NFT_PRERT, "iifname \"" + dev + "\" meta l4proto tcp counter return");
        }
        if (!options.bypassInboundCapture()) {
            for (IpFamily f : families) {
                t.rule(
                        NFT_NAT,
                        NFT_PRERT,
                        "meta l4proto tcp " + f.nftFamily() + " saddr " + f.probeSnatAddress() + " counter accept");
            }
            for (IpFamily f : families) {
                t.rule(
                        NFT_NAT,
                        NFT_PRERT,
                        f.nftFamily() + " daddr != " + f.loopback() + " tcp dport != " + HBONE_PORT + " " + notMarked
                                + " counter redirect to :" + INBOUND_PLAINTEXT_PORT);
            }
        }
        for (IpFamily f : families) {
            t.rule(
                    NFT_NAT,
                    NFT_OUTPUT,
                    "meta l4proto tcp " + f.nftFamily() + " daddr " + f.probeSnatAddress() + " counter accept");
        }
        if (options.dnsCapture()) {
            t.rule(
                    NFT_NAT,
                    NFT_OUTPUT,
                    "oifname != \"lo\" udp dport 53 " + notMarked + " counter redirect to :" + DNS_PORT);
            for (IpFamily f : families) {
                t.rule(
                        NFT_NAT,
                        NFT_OUTPUT,
                        f.nftFamily() + " daddr != " + f.loopback() + " tcp dport 53 " + notMarked
                                + " counter redirect to :" + DNS_PORT);
            }
        }
        t.rule(
                NFT_NAT,
                NFT_OUTPUT,
                "meta l4proto tcp meta mark & " + hex(INPOD_MASK) + " == " + hex(CONN_MARK) + " counter accept");
        for (IpFamily f : families) {
            t.rule(
                    NFT_NAT,
                    NFT_OUTPUT,
                    "oifname \"lo\" " + f.nftFamily() + " daddr != " + f.loopback() + " counter accept");
        }
        for (IpFamily f : families) {
            t.rule(
                    NFT_NAT,
                    NFT_OUTPUT,
                    "meta l4proto tcp " + f.nftFamily() + " daddr != " + f.loopback() + " " + notMarked
                            + " counter redirect to :" + OUTBOUND_PORT);
        }

        t.table(NFT_MANGLE);
        t.base(NFT_MANGLE, "prerouting", "filter", "prerouting", -150);
        t.base(NFT_MANGLE, "output", "route", "output", -150);
        t.regular(NFT_MANGLE);
        t.rule(NFT_MANGLE, "prerouting", "jump " + NFT_PRERT);
        t.rule(NFT_MANGLE, "output", "jump " + NFT_OUTPUT);
        t.rule(
                NFT_MANGLE,
                NFT_PRERT,
                "meta mark & " + hex(INPOD_MASK) + " == " + hex(INPOD_MARK) + " counter ct mark set ct mark & "
                        + hex(0xffffffffL & ~INPOD_MASK) + " | " + hex(CONN_MARK));
        t.rule(
                NFT_MANGLE,
                NFT_OUTPUT,
                "ct mark & " + hex(INPOD_MASK) + " == " + hex(CONN_MARK) + " counter meta mark set ct mark");

        if (options.dnsCapture()) {
            t.table(NFT_RAW);
            t.base(NFT_RAW, "prerouting", "filter", "prerouting", -300);
            t.base(NFT_RAW, "output", "filter", "output", -300);
            t.regular(NFT_RAW);
            t.rule(NFT_RAW, "prerouting", "jump " + NFT_PRERT);
            t.rule(NFT_RAW, "output", "jump " + NFT_OUTPUT);
            t.rule(NFT_RAW, NFT_PRERT, "udp sport 53 " + notMarked + " counter ct zone set 1");
            t.rule(
                    NFT_RAW,
                    NFT_OUTPUT,
                    "udp dport 53 meta mark & " + hex(INPOD_MASK) + " == " + hex(INPOD_MARK)
                            + " counter ct zone set 1");
        }
        return t.toString();
    }

    /** Un-enrolment: one {@code nft} command per table, run one by one ignoring "No such file". */
    public static List<List<String>> removalCommands() {
        return List.of(
                List.of("nft", "delete", "table", "inet", NFT_NAT),
                List.of("nft", "delete", "table", "inet", NFT_MANGLE),
                List.of("nft", "delete", "table", "inet", NFT_RAW));
    }

    /** The tables a pod has while enrolled with these options. */
    public static List<String> tables(PodRuleOptions options) {
        return options.dnsCapture() ? List.of(NFT_NAT, NFT_MANGLE, NFT_RAW) : List.of(NFT_NAT, NFT_MANGLE);
    }

    private static final class Text {
        private final StringBuilder out = new StringBuilder();

        void table(String table) {
            out.append("add table inet ").append(table).append('\n');
            out.append("flush table inet ").append(table).append('\n');
        }

        void base(String table, String chain, String type, String hook, int priority) {
            out.append("add chain inet ")
                    .append(table)
                    .append(' ')
                    .append(chain)
                    .append(" { type ")
                    .append(type)
                    .append(" hook ")
                    .append(hook)
                    .append(" priority ")
                    .append(priority)
                    .append(" ; }\n");
        }

        void regular(String table) {
            out.append("add chain inet ")
                    .append(table)
                    .append(' ')
                    .append(NFT_PRERT)
                    .append('\n');
            out.append("add chain inet ")
                    .append(table)
                    .append(' ')
                    .append(NFT_OUTPUT)
                    .append('\n');
        }

        void rule(String table, String chain, String body) {
            out.append("add rule inet ")
                    .append(table)
                    .append(' ')
                    .append(chain)
                    .append(' ')
                    .append(body)
                    .append('\n');
        }

        @Override
        public String toString() {
            return out.toString();
        }
    }
}
