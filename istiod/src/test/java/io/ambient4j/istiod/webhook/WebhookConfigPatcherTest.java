package io.ambient4j.istiod.webhook;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Which webhooks get the mesh root and Fail, and that a new root (CA rotation) counts as a change. */
class WebhookConfigPatcherTest {
    private static ValidatingWebhook hook(String service, String namespace) {
        return new ValidatingWebhookBuilder()
                .withName("rev.validation.istio.io")
                .withNewClientConfig()
                .withNewService()
                .withName(service)
                .withNamespace(namespace)
                .withPath("/validate")
                .endService()
                .endClientConfig()
                .withFailurePolicy("Ignore")
                .build();
    }

    @Test
    void C005_ourServiceIsPatchedOthersAreNotAndARootChangeRepatches() {
        WebhookConfigPatcher p = new WebhookConfigPatcher(null, "istio-system", "default", () -> "");
        ValidatingWebhook ours = hook("istiod", "istio-system");
        ValidatingWebhook canary = hook("istiod-canary", "istio-system");
        ValidatingWebhook elsewhere = hook("istiod", "other");
        List<ValidatingWebhook> all = List.of(ours, canary, elsewhere);

        assertThat(p.patched(all, "cm9vdC0x")).isTrue();
        assertThat(ours.getClientConfig().getCaBundle()).isEqualTo("cm9vdC0x");
        assertThat(ours.getFailurePolicy()).isEqualTo("Fail");
        assertThat(canary.getClientConfig().getCaBundle()).isNull();
        assertThat(canary.getFailurePolicy()).isEqualTo("Ignore");
        assertThat(elsewhere.getClientConfig().getCaBundle()).isNull();

        assertThat(p.patched(all, "cm9vdC0x")).isFalse();
        assertThat(p.patched(all, "cm9vdC0y")).isTrue();
        assertThat(ours.getClientConfig().getCaBundle()).isEqualTo("cm9vdC0y");
    }

    @Test
    void aRevisionedIstiodPatchesOnlyItsOwnService() {
        WebhookConfigPatcher p = new WebhookConfigPatcher(null, "istio-system", "canary", () -> "");
        ValidatingWebhook def = hook("istiod", "istio-system");
        ValidatingWebhook canary = hook("istiod-canary", "istio-system");
        assertThat(p.patched(List.of(def, canary), "eA==")).isTrue();
        assertThat(def.getFailurePolicy()).isEqualTo("Ignore");
        assertThat(canary.getFailurePolicy()).isEqualTo("Fail");
    }
}
