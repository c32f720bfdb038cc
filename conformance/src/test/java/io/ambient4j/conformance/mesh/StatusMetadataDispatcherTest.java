package io.ambient4j.conformance.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.mockwebserver.dsl.HttpMethod;
import org.junit.jupiter.api.Test;

/** Which requests the embedded API server re-routes (C017: the agent's annotation via pods/status). */
class StatusMetadataDispatcherTest {
    private static final String ANN = "{\"metadata\":{\"annotations\":{\"ambient.istio.io/redirection\":\"enabled\"}}}";

    @Test
    void C017_podStatusPatchWithMetadataGoesToThePod() {
        assertThat(StatusMetadataDispatcher.route(HttpMethod.PATCH, "/api/v1/namespaces/a/pods/p/status", ANN))
                .isEqualTo("/api/v1/namespaces/a/pods/p");
        assertThat(StatusMetadataDispatcher.route(
                        HttpMethod.PATCH, "/api/v1/namespaces/a/pods/p/status?fieldManager=x", ANN))
                .isEqualTo("/api/v1/namespaces/a/pods/p?fieldManager=x");
    }

    @Test
    void C017_otherRequestsAreUntouched() {
        String statusOnly = "{\"status\":{\"phase\":\"Running\"}}";
        assertThat(StatusMetadataDispatcher.route(HttpMethod.PATCH, "/api/v1/namespaces/a/pods/p/status", statusOnly))
                .isEqualTo("/api/v1/namespaces/a/pods/p/status");
        assertThat(StatusMetadataDispatcher.route(HttpMethod.PUT, "/api/v1/namespaces/a/pods/p/status", ANN))
                .isEqualTo("/api/v1/namespaces/a/pods/p/status");
        assertThat(StatusMetadataDispatcher.route(HttpMethod.PATCH, "/api/v1/namespaces/a/services/s/status", ANN))
                .isEqualTo("/api/v1/namespaces/a/services/s/status");
    }
}
