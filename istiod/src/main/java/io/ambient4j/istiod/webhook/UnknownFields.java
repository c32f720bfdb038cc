package io.ambient4j.istiod.webhook;

import io.ambient4j.istiod.kube.crd.Lenient;
import java.lang.reflect.Modifier;
import java.util.List;
import java.util.Map;

/**
 * Finds fields the typed model does not know. The informers tolerate them (a newer CRD must not break the
 * index), but admission refuses them as upstream's strict decoding does: a misspelt {@code principal} would
 * otherwise be dropped silently and the policy would match far more than intended.
 */
final class UnknownFields {
    private UnknownFields() {}

    static void collect(String path, Object o, List<String> out) {
        switch (o) {
            case null -> {}
            case List<?> list -> {
                for (int i = 0; i < list.size(); i++) {
                    collect(path + "[" + i + "]", list.get(i), out);
                }
            }
            case Map<?, ?> map -> {
                for (var e : map.entrySet()) {
                    collect(path + "[" + e.getKey() + "]", e.getValue(), out);
                }
            }
            case Lenient l -> {
                for (String f : l.unknownFields().keySet()) {
                    out.add(path + "." + f);
                }
                for (var field : o.getClass().getFields()) {
                    if (Modifier.isStatic(field.getModifiers())) {
                        continue;
                    }
                    try {
                        collect(path + "." + field.getName(), field.get(o), out);
                    } catch (IllegalAccessException e) {
                        throw new IllegalStateException("public field " + field + " not readable", e);
                    }
                }
            }
            default -> {}
        }
    }
}
