package io.ambient4j.istiod.waypoint;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Whether an object as the API server returns it already holds everything the controller rendered. The
 * server adds defaults (e.g. {@code terminationMessagePath}, a ClusterIP), so "equal" would rewrite every
 * object on every event; "desired is a subset of actual" writes only when a rendered field differs.
 */
final class Subset {
    private Subset() {}

    /** {@code desired} (a JSON tree) is contained in {@code actual}: maps by key, lists element-wise. */
    static boolean contains(Object actual, Object desired) {
        if (desired instanceof Map<?, ?> d) {
            if (!(actual instanceof Map<?, ?> a)) {
                return d.isEmpty() && actual == null;
            }
            for (var e : d.entrySet()) {
                if (!contains(a.get(e.getKey()), e.getValue())) {
                    return false;
                }
            }
            return true;
        }
        if (desired instanceof List<?> d) {
            if (!(actual instanceof List<?> a) || a.size() != d.size()) {
                return d.isEmpty() && actual == null;
            }
            for (int i = 0; i < d.size(); i++) {
                if (!contains(a.get(i), d.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (desired == null) {
            return true;
        }
        if (desired instanceof Number dn && actual instanceof Number an) {
            return dn.doubleValue() == an.doubleValue();
        }
        return Objects.equals(String.valueOf(desired), actual == null ? null : String.valueOf(actual));
    }

    /** {@code desired} laid over {@code actual}: maps merge recursively, anything else (lists too) is replaced. */
    static Map<String, Object> overlay(Map<?, ?> actual, Map<?, ?> desired) {
        Map<String, Object> out = new LinkedHashMap<>();
        actual.forEach((k, v) -> out.put(String.valueOf(k), v));
        for (var e : desired.entrySet()) {
            String k = String.valueOf(e.getKey());
            if (e.getValue() instanceof Map<?, ?> d && out.get(k) instanceof Map<?, ?> a) {
                out.put(k, overlay(a, d));
            } else if (e.getValue() != null) {
                out.put(k, e.getValue());
            }
        }
        return out;
    }
}
