package io.ambient4j.istiod.ambient;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Objects (pods) per namespace and {@code key=value} label pair, so "which pods does this selector pick"
 * starts from the smallest set of pods carrying one of the selector's pairs instead of every pod in the
 * namespace. Writer thread only.
 */
final class LabelIndex {
    /** ns → pair → keys. */
    private final Map<String, Map<String, Set<String>>> byPair = new HashMap<>();

    void add(String ns, String key, Map<String, String> labels) {
        if (labels == null) {
            return;
        }
        Map<String, Set<String>> pairs = byPair.computeIfAbsent(ns, x -> new HashMap<>());
        for (var l : labels.entrySet()) {
            pairs.computeIfAbsent(l.getKey() + "=" + l.getValue(), x -> new HashSet<>())
                    .add(key);
        }
    }

    void remove(String ns, String key, Map<String, String> labels) {
        Map<String, Set<String>> pairs = byPair.get(ns);
        if (pairs == null || labels == null) {
            return;
        }
        for (var l : labels.entrySet()) {
            String pair = l.getKey() + "=" + l.getValue();
            Set<String> keys = pairs.get(pair);
            if (keys != null) {
                keys.remove(key);
                if (keys.isEmpty()) {
                    pairs.remove(pair);
                }
            }
        }
        if (pairs.isEmpty()) {
            byPair.remove(ns);
        }
    }

    /**
     * A superset of the keys in {@code ns} that {@code selector} (non-empty) can select: the smallest set of
     * keys carrying one of its pairs. Callers still check the full selector.
     */
    Set<String> candidates(String ns, Map<String, String> selector) {
        Map<String, Set<String>> pairs = byPair.get(ns);
        if (pairs == null) {
            return Set.of();
        }
        Set<String> best = null;
        for (var s : selector.entrySet()) {
            Set<String> keys = pairs.get(s.getKey() + "=" + s.getValue());
            if (keys == null) {
                return Set.of();
            }
            if (best == null || keys.size() < best.size()) {
                best = keys;
            }
        }
        return best == null ? Set.of() : best;
    }

    Set<String> namespaces() {
        return byPair.keySet();
    }
}
