package io.ambient4j.istiod.kube;

import io.ambient4j.istiod.kube.crd.Lenient;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns a generic (schemaless) custom resource into its typed model, one object at a time, so a malformed
 * object fails alone with a {@link MalformedResourceException} instead of breaking a whole informer list.
 */
public final class CrdParser {
    private static final System.Logger LOG = System.getLogger(CrdParser.class.getName());
    private final KubernetesSerialization serialization;

    public CrdParser(KubernetesSerialization serialization) {
        this.serialization = serialization;
    }

    public CrdParser() {
        this(new KubernetesSerialization());
    }

    /** Parses {@code g} as {@code type}; unknown fields are logged, type mismatches throw. */
    public <T extends HasMetadata> T parse(GenericKubernetesResource g, Class<T> type) {
        String id = type.getSimpleName() + " " + g.getMetadata().getNamespace() + "/"
                + g.getMetadata().getName();
        T out;
        try {
            out = serialization.convertValue(g, type);
        } catch (RuntimeException e) {
            Throwable root = e.getCause() == null ? e : e.getCause();
            String detail = root.getMessage() == null ? root.toString() : root.getMessage();
            int nl = detail.indexOf('\n');
            throw new MalformedResourceException(id, nl > 0 ? detail.substring(0, nl) : detail, e);
        }
        List<String> unknown = new ArrayList<>();
        if (out instanceof CustomResource<?, ?> cr) {
            collectUnknown("spec", cr.getSpec(), unknown);
        }
        if (!unknown.isEmpty()) {
            LOG.log(System.Logger.Level.WARNING, id + ": ignoring unknown fields " + unknown);
        }
        return out;
    }

    /** Unknown field paths below {@code o} (walks the model's public fields). */
    static void collectUnknown(String path, Object o, List<String> out) {
        if (!(o instanceof Lenient l)) {
            if (o instanceof List<?> list) {
                for (int i = 0; i < list.size(); i++) {
                    collectUnknown(path + "[" + i + "]", list.get(i), out);
                }
            }
            return;
        }
        for (String f : l.unknownFields().keySet()) {
            out.add(path + "." + f);
        }
        for (var field : o.getClass().getFields()) {
            try {
                collectUnknown(path + "." + field.getName(), field.get(o), out);
            } catch (IllegalAccessException e) {
                // public fields only; unreachable
            }
        }
    }
}
