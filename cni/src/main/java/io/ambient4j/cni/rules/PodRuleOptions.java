package io.ambient4j.cni.rules;

import java.util.List;
import java.util.regex.Pattern;

/**
 * The per-pod choices that change the in-pod rule set (ambient-spec §6.2 "Variants"): DNS capture, the
 * {@code ambient.istio.io/bypass-inbound-capture} annotation, {@code istio.io/reroute-virtual-interfaces},
 * and whether IPv6 rules are written too.
 */
public record PodRuleOptions(
        boolean dnsCapture, boolean bypassInboundCapture, List<String> rerouteInterfaces, boolean ipv6) {
    private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9_.@-]{1,15}");

    public PodRuleOptions {
        rerouteInterfaces = List.copyOf(rerouteInterfaces);
        for (String name : rerouteInterfaces) {
            if (!IFNAME.matcher(name).matches()) {
                throw new RuleException(RuleException.Reason.BAD_INTERFACE_NAME, "bad interface name '" + name + "'");
            }
        }
    }

    /** Chart defaults: DNS capture on, inbound captured, no virtual interfaces, IPv4 only. */
    public static PodRuleOptions defaults() {
        return new PodRuleOptions(true, false, List.of(), false);
    }

    public PodRuleOptions withDnsCapture(boolean on) {
        return new PodRuleOptions(on, bypassInboundCapture, rerouteInterfaces, ipv6);
    }

    public PodRuleOptions withBypassInboundCapture(boolean on) {
        return new PodRuleOptions(dnsCapture, on, rerouteInterfaces, ipv6);
    }

    public PodRuleOptions withRerouteInterfaces(List<String> names) {
        return new PodRuleOptions(dnsCapture, bypassInboundCapture, names, ipv6);
    }

    public PodRuleOptions withIpv6(boolean on) {
        return new PodRuleOptions(dnsCapture, bypassInboundCapture, rerouteInterfaces, on);
    }
}
