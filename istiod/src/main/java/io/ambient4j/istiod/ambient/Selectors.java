package io.ambient4j.istiod.ambient;

import java.util.Map;

/** Label-selector checks used by Services, ServiceEntries and policies. */
final class Selectors {
    private Selectors() {}

    /** True when every pair of {@code selector} is in {@code labels} (an empty selector selects all). */
    static boolean subsetOf(Map<String, String> selector, Map<String, String> labels) {
        if (selector == null || selector.isEmpty()) {
            return true;
        }
        if (labels == null || labels.isEmpty()) {
            return false;
        }
        for (var e : selector.entrySet()) {
            if (!e.getValue().equals(labels.get(e.getKey()))) {
                return false;
            }
        }
        return true;
    }

    static <K, V> Map<K, V> orEmpty(Map<K, V> m) {
        return m == null ? Map.of() : m;
    }
}
