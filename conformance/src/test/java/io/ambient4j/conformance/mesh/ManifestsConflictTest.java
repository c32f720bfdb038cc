package io.ambient4j.conformance.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;

/**
 * A scenario's apply of an object a controller writes at the same time (istiod writes the status of a policy it has
 * just seen) gets 409 Conflict from the API server on its update; the apply tries again on the newer version instead of
 * failing the scenario (seen once in a clean-clone CI run: C084's second apply of an AuthorizationPolicy).
 */
@EnableKubernetesMockClient
class ManifestsConflictTest {
    private static final String PATH = "/api/v1/namespaces/demo/configmaps";

    KubernetesMockServer server;
    KubernetesClient client;

    static ConfigMap stored(String version) {
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName("cm")
                .withNamespace("demo")
                .withResourceVersion(version)
                .endMetadata()
                .addToData("k", "old")
                .build();
    }

    static ConfigMap applied() {
        return new ConfigMapBuilder()
                .withNewMetadata()
                .withName("cm")
                .withNamespace("demo")
                .endMetadata()
                .addToData("k", "new")
                .build();
    }

    void exists() {
        server.expect()
                .post()
                .withPath(PATH)
                .andReturn(
                        409,
                        new StatusBuilder()
                                .withCode(409)
                                .withReason("AlreadyExists")
                                .build())
                .always();
    }

    @Test
    void anUpdateThatMeetsAConcurrentWriteIsTriedAgain() {
        exists();
        server.expect().get().withPath(PATH + "/cm").andReturn(200, stored("1")).once();
        server.expect()
                .put()
                .withPath(PATH + "/cm")
                .andReturn(
                        409,
                        new StatusBuilder().withCode(409).withReason("Conflict").build())
                .once();
        server.expect().get().withPath(PATH + "/cm").andReturn(200, stored("2")).once();
        ConfigMap written = stored("3");
        written.getData().put("k", "new");
        server.expect().put().withPath(PATH + "/cm").andReturn(200, written).once();

        ConfigMap out = (ConfigMap) Manifests.createOrUpdate(client, applied());

        assertThat(out.getData()).containsEntry("k", "new");
        assertThat(out.getMetadata().getResourceVersion()).isEqualTo("3");
    }

    @Test
    void aConflictThatPersistsIsReported() {
        exists();
        server.expect().get().withPath(PATH + "/cm").andReturn(200, stored("1")).always();
        server.expect()
                .put()
                .withPath(PATH + "/cm")
                .andReturn(
                        409,
                        new StatusBuilder().withCode(409).withReason("Conflict").build())
                .always();

        assertThatThrownBy(() -> Manifests.createOrUpdate(client, applied()))
                .isInstanceOfSatisfying(
                        KubernetesClientException.class,
                        e -> assertThat(e.getCode()).isEqualTo(409));
    }
}
