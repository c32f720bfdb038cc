package io.ambient4j.cni.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Which iptables implementation the node uses (ambient-spec §6.2): rules written with the other one would
 * sit in a separate kernel table set and could be ignored or conflict. Detected once on the host, as
 * upstream does, and then used for every pod, since pods share the node's kernel modules and kube-proxy's
 * choice. {@link #rewrite} maps the generic command names the rule generators emit onto the variant.
 */
public enum IptablesVariant {
    LEGACY("-legacy"),
    NFT("-nft"),
    /** The distribution's default alternative ({@code iptables}): used when neither probe succeeded. */
    PLAIN("");

    private static final Set<String> GENERIC =
            Set.of("iptables", "iptables-save", "iptables-restore", "ip6tables", "ip6tables-save", "ip6tables-restore");

    private final String suffix;

    IptablesVariant(String suffix) {
        this.suffix = suffix;
    }

    /** The binary for a generic name: {@code iptables-save} becomes {@code iptables-legacy-save}. */
    public String binary(String generic) {
        if (!GENERIC.contains(generic) || suffix.isEmpty()) {
            return generic;
        }
        int dash = generic.indexOf('-');
        return dash < 0 ? generic + suffix : generic.substring(0, dash) + suffix + generic.substring(dash);
    }

    /** {@code command} with its executable replaced when it is an iptables tool; anything else unchanged. */
    public List<String> rewrite(List<String> command) {
        if (command.isEmpty() || !GENERIC.contains(command.getFirst())) {
            return command;
        }
        List<String> out = new ArrayList<>(command);
        out.set(0, binary(command.getFirst()));
        return List.copyOf(out);
    }

    /**
     * Upstream's rule: legacy when it works and already holds rules (kube-proxy or the CNI wrote there, so
     * that is what the node uses), else nft when it works, else the default alternative. "Holds rules"
     * means its save output has at least three lines, as upstream counts.
     */
    public static IptablesVariant decide(boolean legacyUsable, String legacySave, boolean nftUsable) {
        if (legacyUsable && legacySave.chars().filter(c -> c == '\n').count() >= 3) {
            return LEGACY;
        }
        return nftUsable ? NFT : PLAIN;
    }
}
