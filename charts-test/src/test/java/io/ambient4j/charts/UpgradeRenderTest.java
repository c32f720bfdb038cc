package io.ambient4j.charts;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import org.junit.jupiter.api.Test;

/** C003/C005, the upgrade half: on `helm upgrade` the validators omit failurePolicy, keeping what istiod patched in. */
class UpgradeRenderTest {

    static ValidatingWebhook only(Manifest m, String name) {
        ValidatingWebhookConfiguration vwc = m.get(ValidatingWebhookConfiguration.class, name);
        assertThat(vwc.getWebhooks()).hasSize(1);
        return vwc.getWebhooks().getFirst();
    }

    @Test
    void C003_defaultValidatorOnUpgradeOmitsFailurePolicy() {
        ValidatingWebhook w = only(HelmUpgrade.render(Chart.BASE, Render.NAMESPACE), "istiod-default-validator");
        assertThat(w.getName()).isEqualTo("validation.istio.io");
        assertThat(w.getFailurePolicy()).isNull();
        assertThat(w.getClientConfig().getService().getName()).isEqualTo("istiod");
    }

    @Test
    void C005_revisionValidatorOnUpgradeOmitsFailurePolicy() {
        ValidatingWebhook w = only(
                HelmUpgrade.render(Chart.ISTIOD, Render.NAMESPACE, "profile=ambient"), "istio-validator-istio-system");
        assertThat(w.getName()).isEqualTo("rev.validation.istio.io");
        assertThat(w.getFailurePolicy()).isNull();
    }

    @Test
    void C005_explicitFailurePolicySurvivesUpgrade() {
        ValidatingWebhook w = only(
                HelmUpgrade.render(Chart.ISTIOD, Render.NAMESPACE, "base.validationFailurePolicy=Fail"),
                "istio-validator-istio-system");
        assertThat(w.getFailurePolicy()).isEqualTo("Fail");
    }
}
