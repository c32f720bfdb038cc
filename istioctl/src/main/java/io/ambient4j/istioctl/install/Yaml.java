package io.ambient4j.istioctl.install;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** YAML and nested-map helpers shared by the values code (fabric8's Jackson, no second YAML library). */
final class Yaml {
    static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    private Yaml() {}

    @SuppressWarnings("unchecked")
    static Map<String, Object> parseMap(String text) {
        if (text == null || text.isBlank()) {
            return new LinkedHashMap<>();
        }
        Object o = SERIALIZATION.unmarshal(text, Object.class);
        if (o == null) {
            return new LinkedHashMap<>();
        }
        if (!(o instanceof Map<?, ?>)) {
            throw new IllegalArgumentException("expected a YAML mapping at the top level");
        }
        return (Map<String, Object>) o;
    }

    static String dump(Map<String, Object> map) {
        return SERIALIZATION.asYaml(map);
    }

    /** Deep copy of nested maps and lists. */
    @SuppressWarnings("unchecked")
    static Object copy(Object o) {
        if (o instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            m.forEach((k, v) -> out.put(String.valueOf(k), copy(v)));
            return out;
        }
        if (o instanceof List<?> l) {
            return l.stream().map(Yaml::copy).toList();
        }
        return o;
    }

    /** Merges {@code overlay} into {@code base} (maps deeply, everything else replaced). */
    @SuppressWarnings("unchecked")
    static void merge(Map<String, Object> base, Map<String, Object> overlay) {
        for (var e : overlay.entrySet()) {
            Object cur = base.get(e.getKey());
            if (cur instanceof Map<?, ?> cm && e.getValue() instanceof Map<?, ?> om) {
                merge((Map<String, Object>) cm, (Map<String, Object>) om);
            } else {
                base.put(e.getKey(), copy(e.getValue()));
            }
        }
    }

    /** Sets a value at a key path, creating maps on the way (a non-map on the way is replaced). */
    @SuppressWarnings("unchecked")
    static void put(Map<String, Object> root, List<String> path, Object value) {
        Map<String, Object> cur = root;
        for (int i = 0; i < path.size() - 1; i++) {
            Object next = cur.get(path.get(i));
            if (!(next instanceof Map<?, ?>)) {
                next = new LinkedHashMap<String, Object>();
                cur.put(path.get(i), next);
            }
            cur = (Map<String, Object>) next;
        }
        cur.put(path.getLast(), value);
    }
}
