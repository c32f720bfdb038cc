package io.ambient4j.cni.rules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A complete Istio rule set for one family: which chains each table gets and the rules in order. It
 * renders the {@code iptables-restore --noflush} input and the state {@code iptables-save} must show once
 * the rules are in, which is what makes re-applying decidable (upstream {@code VerifyIptablesState}).
 */
public record IptablesRuleSet(Map<String, List<String>> chainsByTable, List<IptablesRule> rules) {
    public IptablesRuleSet {
        Map<String, List<String>> copy = new LinkedHashMap<>();
        chainsByTable.forEach((t, c) -> copy.put(t, List.copyOf(c)));
        chainsByTable = java.util.Collections.unmodifiableMap(copy);
        rules = List.copyOf(rules);
    }

    /** The text for {@code iptables-restore --noflush}: tables in order, chains created, rules added. */
    public String restoreText() {
        StringBuilder out = new StringBuilder();
        chainsByTable.forEach((table, chains) -> {
            out.append('*').append(table).append('\n');
            chains.forEach(c -> out.append("-N ").append(c).append('\n'));
            rules.stream()
                    .filter(r -> r.table().equals(table))
                    .forEach(r -> out.append(r.restoreLine()).append('\n'));
            out.append("COMMIT\n");
        });
        return out.toString();
    }

    /** What {@link IptablesState#parse} must return once exactly these rules are installed. */
    public IptablesState expectedState() {
        Map<String, Map<String, List<String>>> tables = new LinkedHashMap<>();
        chainsByTable.forEach((table, chains) -> {
            Map<String, List<String>> byChain = new LinkedHashMap<>();
            chains.forEach(c -> byChain.put(c, new ArrayList<>()));
            for (IptablesRule r : rules) {
                if (r.table().equals(table)) {
                    byChain.computeIfAbsent(r.chain(), k -> new ArrayList<>()).add(r.spec());
                }
            }
            tables.put(table, byChain);
        });
        return new IptablesState(tables);
    }

    /** The chain names this set owns (what {@link IptablesState#parse} keeps). */
    public List<String> ownChains() {
        return chainsByTable.values().stream().flatMap(List::stream).distinct().toList();
    }
}
