package io.ambient4j.cni.agent;

import io.ambient4j.cni.rules.PodRuleOptions;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * Turns a pod's annotations into its rule variant: {@code bypass-inbound-capture}, the per-pod DNS
 * capture override of the global setting, and the virtual interfaces to reroute. Booleans follow Go's
 * {@code strconv.ParseBool}, like upstream; anything else is ignored.
 */
public final class PodRuleOptionsFromPod {
    private PodRuleOptionsFromPod() {}

    public static PodRuleOptions of(PodView pod, boolean globalDnsCapture, boolean ipv6) {
        boolean bypass = parseBool(pod.annotations().get(AgentConstants.BYPASS_INBOUND_ANNOTATION))
                .orElse(false);
        boolean dns = parseBool(pod.annotations().get(AgentConstants.DNS_CAPTURE_ANNOTATION))
                .orElse(globalDnsCapture);
        String ifs = pod.annotations()
                .getOrDefault(
                        AgentConstants.REROUTE_INTERFACES_ANNOTATION,
                        pod.annotations().getOrDefault(AgentConstants.LEGACY_KUBEVIRT_ANNOTATION, ""));
        List<String> names = Arrays.stream(ifs.split(","))
                .map(String::strip)
                .filter(s -> !s.isEmpty())
                .toList();
        return new PodRuleOptions(dns, bypass, names, ipv6);
    }

    static Optional<Boolean> parseBool(String v) {
        if (v == null) {
            return Optional.empty();
        }
        return switch (v) {
            case "1", "t", "T", "TRUE", "true", "True" -> Optional.of(true);
            case "0", "f", "F", "FALSE", "false", "False" -> Optional.of(false);
            default -> Optional.empty();
        };
    }
}
