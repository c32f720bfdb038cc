package io.ambient4j.conformance.mesh;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.KubernetesResourceList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Applies ordinary Kubernetes YAML (any kind, including Istio and Gateway API custom resources). */
public final class Manifests {
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();
    private static final int HTTP_CONFLICT = 409;

    private Manifests() {}

    /** Parses a (multi-document) YAML text into objects; blank documents are skipped. */
    public static List<HasMetadata> parse(String yaml) {
        List<HasMetadata> out = new ArrayList<>();
        for (String doc : yaml.split("(?m)^---\\s*$")) {
            if (doc.isBlank()
                    || doc.lines().allMatch(l -> l.isBlank() || l.strip().startsWith("#"))) {
                continue;
            }
            KubernetesResource r = SERIALIZATION.unmarshal(doc);
            if (r instanceof KubernetesResourceList<?> list) {
                list.getItems().forEach(out::add);
            } else if (r instanceof HasMetadata h) {
                out.add(h);
            } else {
                throw new IllegalArgumentException("not a Kubernetes object: "
                        + doc.strip().lines().findFirst().orElse(""));
            }
        }
        return out;
    }

    /** How often an update is tried again after a write conflict. */
    static final int CONFLICT_RETRIES = 5;

    /** Creates each object, or updates it when it exists; returns what was applied. */
    public static List<HasMetadata> apply(KubernetesClient client, String yaml) {
        List<HasMetadata> applied = new ArrayList<>();
        for (HasMetadata h : parse(yaml)) {
            applied.add(createOrUpdate(client, h));
        }
        return applied;
    }

    /**
     * Creates {@code object}, or updates it when it exists, as {@code kubectl apply} would from a user's point of view.
     * An update reads the stored object's resourceVersion and writes with it; when a controller writes the object
     * in between (istiod writes the status of policies it has just seen), the API server answers 409 Conflict, and
     * the update is tried again on the newer version instead of failing the scenario.
     */
    public static HasMetadata createOrUpdate(KubernetesClient client, HasMetadata object) {
        for (int attempt = 1; ; attempt++) {
            try {
                return client.resource(object).createOr(NonDeletingOperation::update);
            } catch (KubernetesClientException e) {
                if (e.getCode() != HTTP_CONFLICT || attempt > CONFLICT_RETRIES) {
                    throw e;
                }
            }
        }
    }

    /** Applies every {@code *.yaml}/{@code *.yml} file of a folder, in name order. */
    public static int applyDir(KubernetesClient client, Path dir) {
        try (Stream<Path> files = Files.list(dir)) {
            int n = 0;
            for (Path f : files.filter(
                            p -> p.toString().endsWith(".yaml") || p.toString().endsWith(".yml"))
                    .sorted()
                    .toList()) {
                n += apply(client, Files.readString(f)).size();
            }
            return n;
        } catch (IOException e) {
            throw new MeshException(MeshException.Reason.API_SERVER, "cannot read manifests in " + dir, e);
        }
    }
}
