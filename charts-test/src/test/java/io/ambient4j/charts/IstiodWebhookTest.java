package io.ambient4j.charts;

import static io.ambient4j.charts.Manifest.volume;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.ValidatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** helm-charts.md §3.3, §6.3, §6.4: istiod's validating and injection webhooks, the injector ConfigMap, revision tags. */
class IstiodWebhookTest {

    @Test
    void C005_revisionValidatorOnInstall() {
        ValidatingWebhookConfiguration vwc = Render.of(Chart.ISTIOD)
                .call()
                .get(ValidatingWebhookConfiguration.class, "istio-validator-istio-system");
        ValidatingWebhook w = vwc.getWebhooks().getFirst();
        assertThat(vwc.getWebhooks()).hasSize(1);
        assertThat(w.getName()).isEqualTo("rev.validation.istio.io");
        assertThat(w.getClientConfig().getService().getName()).isEqualTo("istiod");
        assertThat(w.getClientConfig().getService().getPath()).isEqualTo("/validate");
        assertThat(w.getObjectSelector().getMatchExpressions()).singleElement().satisfies(e -> {
            assertThat(e.getKey()).isEqualTo("istio.io/rev");
            assertThat(e.getOperator()).isEqualTo("In");
            assertThat(e.getValues()).containsExactly("default");
        });
        assertThat(w.getRules()).singleElement().satisfies(r -> {
            assertThat(r.getOperations()).containsExactly("CREATE", "UPDATE");
            assertThat(r.getApiGroups())
                    .containsExactly(
                            "security.istio.io", "networking.istio.io", "telemetry.istio.io", "extensions.istio.io");
        });
        assertThat(w.getFailurePolicy()).isEqualTo("Ignore");
        assertThat(w.getSideEffects()).isEqualTo("None");
        assertThat(w.getAdmissionReviewVersions()).containsExactly("v1");
    }

    @Test
    void C005_revisionValidatorForACanaryRevision() {
        ValidatingWebhook w = Render.of(Chart.ISTIOD)
                .set("revision", "canary")
                .set("base.validationFailurePolicy", "Fail")
                .call()
                .get(ValidatingWebhookConfiguration.class, "istio-validator-canary-istio-system")
                .getWebhooks()
                .getFirst();
        assertThat(w.getClientConfig().getService().getName()).isEqualTo("istiod-canary");
        assertThat(w.getObjectSelector().getMatchExpressions().getFirst().getValues())
                .containsExactly("canary");
        assertThat(w.getFailurePolicy()).isEqualTo("Fail");
    }

    @Test
    void injectionWebhooksAndTheirConfigMap() {
        Manifest m = Render.ambient(Chart.ISTIOD).call();
        MutatingWebhookConfiguration mwc = m.get(MutatingWebhookConfiguration.class, "istio-sidecar-injector");
        assertThat(mwc.getWebhooks())
                .extracting(MutatingWebhook::getName)
                .containsExactly(
                        "rev.namespace.sidecar-injector.istio.io",
                        "rev.object.sidecar-injector.istio.io",
                        "namespace.sidecar-injector.istio.io",
                        "object.sidecar-injector.istio.io");
        assertThat(mwc.getWebhooks()).allSatisfy(w -> {
            assertThat(w.getClientConfig().getService().getPath()).isEqualTo("/inject");
            assertThat(w.getClientConfig().getService().getPort()).isEqualTo(443);
            assertThat(w.getClientConfig().getService().getName()).isEqualTo("istiod");
            assertThat(w.getFailurePolicy()).isEqualTo("Fail");
            assertThat(w.getSideEffects()).isEqualTo("None");
        });
        ConfigMap injector = m.get(ConfigMap.class, "istio-sidecar-injector");
        Map<String, Object> config = Manifest.json(injector.getData().get("config"));
        assertThat(config).containsEntry("policy", "enabled").containsKey("templates");
        assertThat(Manifest.json(injector.getData().get("values")))
                .containsKeys("global", "sidecarInjectorWebhook", "revision", "pilot", "gateways");
    }

    @Test
    void waypointTemplateShipsInTheInjectorConfigMapAndCanBeReplaced() {
        ConfigMap injector = Render.ambient(Chart.ISTIOD).call().get(ConfigMap.class, "istio-sidecar-injector");
        Object waypoint = Manifest.path(Manifest.json(injector.getData().get("config")), "templates", "waypoint");
        assertThat(waypoint).isInstanceOf(String.class);
        assertThat((String) waypoint)
                .contains("kind: ServiceAccount", "kind: Deployment", "kind: Service")
                .contains("- name: istio-proxy", "- proxy", "- waypoint")
                .contains("\"istio.io/dataplane-mode\" \"none\"", "\"sidecar.istio.io/inject\" \"false\"")
                .contains(
                        "ipFamilyPolicy: PreferDualStack",
                        "\"networking.istio.io/traffic-distribution\" \"PreferClose\"")
                .contains("path: /healthz/ready, port: 15021", "audience: istio-ca, expirationSeconds: 43200");

        // C092's chart side: a waypoint template given in values replaces the shipped one
        ConfigMap replaced = Render.ambient(Chart.ISTIOD)
                .values("sidecarInjectorWebhook:\n  templates:\n    waypoint: |\n      custom: 3\n")
                .call()
                .get(ConfigMap.class, "istio-sidecar-injector");
        assertThat(Manifest.path(Manifest.json(replaced.getData().get("config")), "templates", "waypoint"))
                .isEqualTo("custom: 3\n");
    }

    @Test
    void revisionTagsGatewayClassDefaultsAndJwksRoots() {
        Manifest m = Render.ambient(Chart.ISTIOD)
                .set("revision", "blue")
                .set("revisionTags[0]", "prod")
                .set("revisionTags[1]", "default")
                .set("gatewayClasses.istio-waypoint.deployment.spec.replicas", "2")
                .set("jwksResolverExtraRootCA", "PEM")
                .call();
        MutatingWebhookConfiguration prod = m.get(MutatingWebhookConfiguration.class, "istio-revision-tag-prod");
        assertThat(prod.getMetadata().getLabels())
                .containsEntry("istio.io/tag", "prod")
                .containsEntry("istio.io/rev", "blue");
        assertThat(prod.getWebhooks())
                .extracting(MutatingWebhook::getName)
                .containsExactly("rev.namespace.sidecar-injector.istio.io", "rev.object.sidecar-injector.istio.io");
        assertThat(prod.getWebhooks()
                        .getFirst()
                        .getNamespaceSelector()
                        .getMatchExpressions()
                        .getFirst()
                        .getValues())
                .containsExactly("prod");
        assertThat(prod.getWebhooks().getFirst().getClientConfig().getService().getName())
                .isEqualTo("istiod-blue");
        assertThat(m.get(MutatingWebhookConfiguration.class, "istio-revision-tag-default")
                        .getWebhooks())
                .hasSize(4);
        Service tagService = m.get(Service.class, "istiod-revision-tag-prod");
        assertThat(tagService.getSpec().getSelector()).containsEntry("istio.io/rev", "blue");

        ConfigMap defaults = m.get(ConfigMap.class, "istio-blue-gatewayclass-istio-waypoint");
        assertThat(defaults.getMetadata().getLabels())
                .containsEntry("gateway.istio.io/defaults-for-class", "istio-waypoint");
        assertThat(Manifest.path(Manifest.json(defaults.getData().get("deployment")), "spec", "replicas"))
                .isEqualTo(2);

        assertThat(m.get(ConfigMap.class, "pilot-jwks-extra-cacerts-blue").getData())
                .containsEntry("extra.pem", "PEM");
        PodSpec spec =
                m.get(Deployment.class, "istiod-blue").getSpec().getTemplate().getSpec();
        assertThat(volume(spec, "extracacerts").getConfigMap().getName()).isEqualTo("pilot-jwks-extra-cacerts-blue");
    }
}
