package io.ambient4j.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The objects a chart rendered, parsed into fabric8 model objects (typed where fabric8 knows the
 * kind, GenericKubernetesResource otherwise), in rendering order.
 */
record Manifest(List<HasMetadata> objects, String text) {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final Pattern DOC_SEPARATOR = Pattern.compile("(?m)^---\\s*$");

    static Manifest parse(String yaml) {
        List<HasMetadata> out = new ArrayList<>();
        for (String doc : DOC_SEPARATOR.split(yaml)) {
            if (doc.lines().allMatch(l -> l.isBlank() || l.stripLeading().startsWith("#"))) {
                continue;
            }
            out.add(SERIALIZATION.unmarshal(doc, HasMetadata.class));
        }
        return new Manifest(List.copyOf(out), yaml);
    }

    /** A JSON or YAML object (e.g. the values ConfigMap's content) as nested maps. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> json(String text) {
        return SERIALIZATION.unmarshal(text, Map.class);
    }

    /** The value at a path of map keys, or null. */
    static Object path(Map<String, Object> root, String... keys) {
        Object cur = root;
        for (String k : keys) {
            if (!(cur instanceof Map<?, ?> m)) {
                return null;
            }
            cur = m.get(k);
        }
        return cur;
    }

    <T extends HasMetadata> List<T> all(Class<T> type) {
        return objects.stream().filter(type::isInstance).map(type::cast).toList();
    }

    <T extends HasMetadata> Optional<T> find(Class<T> type, String name) {
        return all(type).stream()
                .filter(o -> name.equals(o.getMetadata().getName()))
                .findFirst();
    }

    /** The one object of this type and name; fails the test if absent. */
    <T extends HasMetadata> T get(Class<T> type, String name) {
        Optional<T> found = find(type, name);
        assertThat(found).as("%s %s in %s", type.getSimpleName(), name, names()).isPresent();
        return found.orElseThrow();
    }

    /** The named volume of a pod spec; fails the test if absent. */
    static Volume volume(PodSpec spec, String name) {
        return spec.getVolumes().stream()
                .filter(v -> v.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no volume " + name));
    }

    /** "Kind/name" of every object, in order. */
    List<String> names() {
        return objects.stream()
                .map(o -> o.getKind() + "/" + o.getMetadata().getName())
                .toList();
    }
}
