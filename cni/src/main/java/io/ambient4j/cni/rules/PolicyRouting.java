package io.ambient4j.cni.rules;

import static io.ambient4j.cni.rules.RuleConstants.ROUTE_TABLE;
import static io.ambient4j.cni.rules.RuleConstants.RULE_PRIORITY;
import static io.ambient4j.cni.rules.RuleConstants.connMark;

import java.util.List;

/**
 * The in-pod policy routing that returns the app's replies to ztunnel: ztunnel connects to the app from
 * the client's (spoofed) address, so without this the app's SYN-ACK would leave eth0 toward the real
 * client. Packets marked 0x111 (restored from the connmark) look up table 100, where everything is local.
 */
public final class PolicyRouting {
    private PolicyRouting() {}

    /** In upstream order: route first ({@code replace} is idempotent), then the rule (EEXIST means present). */
    public static List<List<String>> addCommands(IpFamily family) {
        return List.of(route(family, "replace"), rule(family, "add"));
    }

    /** Removal: rule first, then route; each may fail when already gone. */
    public static List<List<String>> removeCommands(IpFamily family) {
        return List.of(rule(family, "del"), route(family, "del"));
    }

    private static List<String> route(IpFamily family, String verb) {
        return List.of(
                "ip",
                family.ipFlag(),
                "route",
                verb,
                "local",
                family.defaultRoute(),
                "dev",
                "lo",
                "table",
                Integer.toString(ROUTE_TABLE));
    }

    private static List<String> rule(IpFamily family, String verb) {
        return List.of(
                "ip",
                family.ipFlag(),
                "rule",
                verb,
                "fwmark",
                connMark(),
                "pref",
                Integer.toString(RULE_PRIORITY),
                "lookup",
                Integer.toString(ROUTE_TABLE));
    }
}
