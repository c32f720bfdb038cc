package io.ambient4j.cni.rules;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The Istio-owned part of an {@code iptables-save} dump: per table, each own chain with its rules and
 * each built-in chain with only its jumps into own chains. Maps are sorted so two states compare equal
 * regardless of the order tables and chains were printed in; rule order within a chain is kept.
 */
public record IptablesState(Map<String, Map<String, List<String>>> tables) {
    public IptablesState {
        Map<String, Map<String, List<String>>> copy = new TreeMap<>();
        tables.forEach((t, chains) -> {
            Map<String, List<String>> c = new TreeMap<>();
            chains.forEach((name, rules) -> c.put(name, List.copyOf(rules)));
            copy.put(t, java.util.Collections.unmodifiableMap(c));
        });
        tables = java.util.Collections.unmodifiableMap(copy);
    }

    /** True when no own chain or jump exists. */
    public boolean isEmpty() {
        return tables.isEmpty();
    }

    /** Every own rule, counted over all tables (jumps included). */
    public int ruleCount() {
        return tables.values().stream()
                .flatMap(m -> m.values().stream())
                .mapToInt(List::size)
                .sum();
    }

    /** Keeps only {@code ownChains} and jumps into them from {@code save} (the output of iptables-save). */
    public static IptablesState parse(String save, Collection<String> ownChains) {
        Set<String> own = Set.copyOf(ownChains);
        Map<String, Map<String, List<String>>> tables = new LinkedHashMap<>();
        String table = null;
        int lineNo = 0;
        for (String raw : save.split("\n", -1)) {
            lineNo++;
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.equals("COMMIT")) {
                continue;
            }
            if (line.startsWith("*")) {
                table = line.substring(1).strip();
                continue;
            }
            if (table == null) {
                throw new RuleException(
                        RuleException.Reason.BAD_SAVE_OUTPUT, "line " + lineNo + " outside a table: " + line);
            }
            if (line.startsWith(":")) {
                String chain = line.substring(1).split("\\s+")[0];
                if (own.contains(chain)) {
                    tables.computeIfAbsent(table, k -> new LinkedHashMap<>())
                            .computeIfAbsent(chain, k -> new ArrayList<>());
                }
                continue;
            }
            if (!line.startsWith("-A ")) {
                throw new RuleException(
                        RuleException.Reason.BAD_SAVE_OUTPUT, "line " + lineNo + " unexpected: " + line);
            }
            String rest = line.substring(3);
            int space = rest.indexOf(' ');
            String chain = space < 0 ? rest : rest.substring(0, space);
            String spec = space < 0 ? "" : rest.substring(space + 1);
            if (own.contains(chain) || jumpsInto(spec, own)) {
                tables.computeIfAbsent(table, k -> new LinkedHashMap<>())
                        .computeIfAbsent(chain, k -> new ArrayList<>())
                        .add(spec);
            }
        }
        return new IptablesState(tables);
    }

    private static boolean jumpsInto(String spec, Set<String> own) {
        String[] words = spec.split("\\s+");
        for (int i = 0; i + 1 < words.length; i++) {
            if ((words[i].equals("-j") || words[i].equals("-g")) && own.contains(words[i + 1])) {
                return true;
            }
        }
        return false;
    }
}
