package io.ambient4j.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicy;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingAdmissionPolicyBinding;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import org.junit.jupiter.api.Test;

/** helm-charts.md §2 and §6.3: the base chart's default validator, reader SA and stable policy. */
class BaseChartTest {

    static ValidatingWebhook defaultValidator(Manifest m) {
        ValidatingWebhookConfiguration vwc = m.get(ValidatingWebhookConfiguration.class, "istiod-default-validator");
        assertThat(vwc.getWebhooks()).hasSize(1);
        return vwc.getWebhooks().getFirst();
    }

    @Test
    void C003_defaultValidatorOnInstall() {
        Manifest m = Render.of(Chart.BASE).call();
        ValidatingWebhookConfiguration vwc = m.get(ValidatingWebhookConfiguration.class, "istiod-default-validator");
        assertThat(vwc.getMetadata().getLabels())
                .containsEntry("app", "istiod")
                .containsEntry("istio", "istiod")
                .containsEntry("istio.io/rev", "default")
                .containsEntry("release", "istio-base");
        ValidatingWebhook w = defaultValidator(m);
        assertThat(w.getName()).isEqualTo("validation.istio.io");
        assertThat(w.getClientConfig().getService().getName()).isEqualTo("istiod");
        assertThat(w.getClientConfig().getService().getNamespace()).isEqualTo("istio-system");
        assertThat(w.getClientConfig().getService().getPath()).isEqualTo("/validate");
        assertThat(w.getClientConfig().getCaBundle()).isNull();
        assertThat(w.getFailurePolicy()).isEqualTo("Ignore");
        assertThat(w.getSideEffects()).isEqualTo("None");
        assertThat(w.getAdmissionReviewVersions()).containsExactly("v1");
        assertThat(w.getObjectSelector()).isNull();
        assertThat(w.getRules()).singleElement().satisfies(r -> {
            assertThat(r.getOperations()).containsExactly("CREATE", "UPDATE");
            assertThat(r.getApiGroups())
                    .containsExactly(
                            "security.istio.io", "networking.istio.io", "telemetry.istio.io", "extensions.istio.io");
            assertThat(r.getApiVersions()).containsExactly("*");
            assertThat(r.getResources()).containsExactly("*");
        });
    }

    @Test
    void C003_staticCaBundleForcesFail_andPolicyOverrideWins() {
        ValidatingWebhook ca = defaultValidator(
                Render.of(Chart.BASE).set("base.validationCABundle", "Zm9v").call());
        assertThat(ca.getFailurePolicy()).isEqualTo("Fail");
        assertThat(ca.getClientConfig().getCaBundle()).isEqualTo("Zm9v");

        ValidatingWebhook forced = defaultValidator(Render.of(Chart.BASE)
                .set("base.validationFailurePolicy", "Fail")
                .call());
        assertThat(forced.getFailurePolicy()).isEqualTo("Fail");
    }

    @Test
    void C003_validatorFollowsDefaultRevisionNamespaceAndUrl() {
        ValidatingWebhook canary = defaultValidator(Render.of(Chart.BASE)
                .set("defaultRevision", "canary")
                .set("global.istioNamespace", "istiod")
                .call());
        assertThat(canary.getClientConfig().getService().getName()).isEqualTo("istiod-canary");
        assertThat(canary.getClientConfig().getService().getNamespace()).isEqualTo("istiod");

        ValidatingWebhook url = defaultValidator(Render.of(Chart.BASE)
                .set("base.validationURL", "https://x.example/validate")
                .call());
        assertThat(url.getClientConfig().getService()).isNull();
        assertThat(url.getClientConfig().getUrl()).isEqualTo("https://x.example/validate");

        Manifest none = Render.of(Chart.BASE).set("defaultRevision", "").call();
        assertThat(none.all(ValidatingWebhookConfiguration.class)).isEmpty();
    }

    @Test
    void readerServiceAccountInIstioNamespace() {
        Manifest m = Render.of(Chart.BASE)
                .set("global.istioNamespace", "istiod")
                .set("global.imagePullSecrets[0]", "regcred")
                .call();
        ServiceAccount sa = m.get(ServiceAccount.class, "istio-reader-service-account");
        assertThat(sa.getMetadata().getNamespace()).isEqualTo("istiod");
        assertThat(sa.getMetadata().getLabels()).containsEntry("app", "istio-reader");
        assertThat(sa.getImagePullSecrets())
                .singleElement()
                .satisfies(s -> assertThat(s.getName()).isEqualTo("regcred"));

        assertThat(Render.of(Chart.BASE)
                        .set("global.enableReaderRBAC", "false")
                        .call()
                        .all(ServiceAccount.class))
                .isEmpty();
        assertThat(Render.of(Chart.BASE)
                        .set("global.readerServiceAccount.name", "mine")
                        .call()
                        .all(ServiceAccount.class))
                .isEmpty();
    }

    @Test
    void resourceScopeSplitsClusterAndNamespacedObjects() {
        Manifest cluster =
                Render.of(Chart.BASE).set("global.resourceScope", "cluster").call();
        assertThat(cluster.all(ServiceAccount.class)).isEmpty();
        assertThat(cluster.all(ValidatingWebhookConfiguration.class)).hasSize(1);

        Manifest ns =
                Render.of(Chart.BASE).set("global.resourceScope", "namespace").call();
        assertThat(ns.names()).containsExactly("ServiceAccount/istio-reader-service-account");
    }

    @Test
    void stableProfileAddsTheAdmissionPolicy() {
        assertThat(Render.of(Chart.BASE).call().all(ValidatingAdmissionPolicy.class))
                .isEmpty();
        Manifest m = Render.of(Chart.BASE).set("profile", "stable").call();
        ValidatingAdmissionPolicy p = m.get(ValidatingAdmissionPolicy.class, "stable-channel-default-policy.istio.io");
        assertThat(p.getSpec().getFailurePolicy()).isEqualTo("Fail");
        assertThat(p.getSpec().getValidations()).hasSize(3);
        ValidatingAdmissionPolicyBinding b =
                m.get(ValidatingAdmissionPolicyBinding.class, "stable-channel-default-policy-binding.istio.io");
        assertThat(b.getSpec().getPolicyName()).isEqualTo("stable-channel-default-policy.istio.io");
        assertThat(b.getSpec().getValidationActions()).containsExactly("Deny");
    }

    @Test
    void ambientProfileIsHarmlessForBase() {
        assertThat(Render.ambient(Chart.BASE).call().names())
                .isEqualTo(Render.of(Chart.BASE).call().names());
    }
}
