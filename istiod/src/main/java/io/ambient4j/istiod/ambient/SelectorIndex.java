package io.ambient4j.istiod.ambient;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Things that select workloads by labels (Services, ServiceEntries, selector policies), indexed per
 * namespace by one {@code key=value} pair of their selector, so "which of them select this pod" looks only at
 * entries anchored on one of the pod's own labels instead of every selector in the namespace. Entries with an
 * empty selector select nothing and are not stored. Writer thread only.
 *
 * @param <V> the stored value
 */
final class SelectorIndex<V> {
    private record Entry<V>(Map<String, String> selector, String anchor, V value) {}

    /** ns → id → entry. */
    private final Map<String, Map<String, Entry<V>>> byId = new HashMap<>();
    /** ns → anchor pair → id → entry. */
    private final Map<String, Map<String, Map<String, Entry<V>>>> byAnchor = new HashMap<>();

    private static String anchor(Map<String, String> selector) {
        String k = new TreeMap<>(selector).firstKey();
        return k + "=" + selector.get(k);
    }

    /** Adds or replaces {@code id}; an empty selector removes it. */
    void put(String ns, String id, Map<String, String> selector, V value) {
        remove(ns, id);
        if (selector == null || selector.isEmpty()) {
            return;
        }
        Entry<V> e = new Entry<>(Map.copyOf(selector), anchor(selector), value);
        byId.computeIfAbsent(ns, x -> new HashMap<>()).put(id, e);
        byAnchor.computeIfAbsent(ns, x -> new HashMap<>())
                .computeIfAbsent(e.anchor(), x -> new HashMap<>())
                .put(id, e);
    }

    void remove(String ns, String id) {
        Map<String, Entry<V>> ids = byId.get(ns);
        Entry<V> old = ids == null ? null : ids.remove(id);
        if (old == null) {
            return;
        }
        if (ids.isEmpty()) {
            byId.remove(ns);
        }
        Map<String, Map<String, Entry<V>>> anchors = byAnchor.get(ns);
        Map<String, Entry<V>> atAnchor = anchors.get(old.anchor());
        atAnchor.remove(id);
        if (atAnchor.isEmpty()) {
            anchors.remove(old.anchor());
            if (anchors.isEmpty()) {
                byAnchor.remove(ns);
            }
        }
    }

    /** The entries of {@code ns} whose selector is a subset of {@code labels}, sorted by id. */
    TreeMap<String, V> matching(String ns, Map<String, String> labels) {
        TreeMap<String, V> out = new TreeMap<>();
        Map<String, Map<String, Entry<V>>> anchors = byAnchor.get(ns);
        if (anchors == null || labels == null || labels.isEmpty()) {
            return out;
        }
        for (var label : labels.entrySet()) {
            Map<String, Entry<V>> candidates = anchors.get(label.getKey() + "=" + label.getValue());
            if (candidates == null) {
                continue;
            }
            for (var c : candidates.entrySet()) {
                if (Selectors.subsetOf(c.getValue().selector(), labels)) {
                    out.put(c.getKey(), c.getValue().value());
                }
            }
        }
        return out;
    }

    /** All namespaces with at least one entry. */
    Set<String> namespaces() {
        return byId.keySet();
    }
}
