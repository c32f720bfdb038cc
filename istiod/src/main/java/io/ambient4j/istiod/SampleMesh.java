package io.ambient4j.istiod;

import io.ambient4j.istiod.kube.KindRegistry;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Applies the demo's sample cluster ({@code sample-mesh.yaml}) through the Kubernetes API, exactly as
 * {@code kubectl apply} would create the objects: istiod then discovers them through its informers like any
 * other change. Custom resources go through their API group (there is no CRD discovery on the embedded API).
 */
public final class SampleMesh {
    public static final String NAMESPACE = "demo";

    private SampleMesh() {}

    /** Creates every object of the sample; returns them in apply order. */
    public static List<HasMetadata> apply(KubernetesClient client) {
        List<HasMetadata> items;
        try (InputStream in = SampleMesh.class.getResourceAsStream("sample-mesh.yaml")) {
            if (in == null) {
                throw new IllegalStateException("sample-mesh.yaml missing from the classpath");
            }
            items = client.load(in).items();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        for (HasMetadata item : items) {
            create(client, item);
        }
        return items;
    }

    /** Creates one object, routing custom resources to their group's endpoint. */
    public static void create(KubernetesClient client, HasMetadata item) {
        if (item instanceof GenericKubernetesResource g) {
            ResourceDefinitionContext ctx = KindRegistry.CRDS.stream()
                    .map(KindRegistry.Crd::context)
                    .filter(c -> c.getKind().equals(g.getKind()))
                    .findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("no watched custom resource kind " + g.getKind()));
            client.genericKubernetesResources(ctx)
                    .inNamespace(g.getMetadata().getNamespace())
                    .resource(g)
                    .create();
        } else {
            client.resource(item).create();
        }
    }
}
