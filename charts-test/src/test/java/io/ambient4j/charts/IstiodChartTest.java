package io.ambient4j.charts;

import static io.ambient4j.charts.Manifest.volume;
import static io.ambient4j.charts.ProfileMechanismTest.env;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhook;
import io.fabric8.kubernetes.api.model.admissionregistration.v1.MutatingWebhookConfiguration;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.Role;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** helm-charts.md §3 and §6.1/§6.3/§6.4: the istiod chart under the ambient profile. */
class IstiodChartTest {

    static Container discovery(Manifest m, String name) {
        Deployment d = m.get(Deployment.class, name);
        return d.getSpec().getTemplate().getSpec().getContainers().getFirst();
    }

    @Test
    void ambientRendersTheUpstreamObjectSet() {
        assertThat(Render.ambient(Chart.ISTIOD).call().names())
                .containsExactlyInAnyOrder(
                        "ServiceAccount/istiod",
                        "ConfigMap/istio",
                        "ConfigMap/istio-sidecar-injector",
                        "ConfigMap/values",
                        "ClusterRole/istiod-clusterrole-istio-system",
                        "ClusterRole/istiod-gateway-controller-istio-system",
                        "ClusterRole/istio-reader-clusterrole-istio-system",
                        "ClusterRoleBinding/istiod-clusterrole-istio-system",
                        "ClusterRoleBinding/istiod-gateway-controller-istio-system",
                        "ClusterRoleBinding/istio-reader-clusterrole-istio-system",
                        "Role/istiod",
                        "RoleBinding/istiod",
                        "Service/istiod",
                        "Deployment/istiod",
                        "HorizontalPodAutoscaler/istiod",
                        "MutatingWebhookConfiguration/istio-sidecar-injector",
                        "ValidatingWebhookConfiguration/istio-validator-istio-system");
    }

    @Test
    void ambientDeployment() {
        Manifest m = Render.ambient(Chart.ISTIOD).call();
        Deployment d = m.get(Deployment.class, "istiod");
        assertThat(d.getMetadata().getNamespace()).isEqualTo("istio-system");
        assertThat(d.getMetadata().getLabels())
                .containsEntry("app", "istiod")
                .containsEntry("istio.io/rev", "default")
                .containsEntry("istio", "pilot")
                .containsEntry("operator.istio.io/component", "Pilot");
        assertThat(d.getSpec().getReplicas())
                .as("autoscaled: no replicas field")
                .isNull();
        assertThat(d.getSpec().getSelector().getMatchLabels()).containsExactlyEntriesOf(Map.of("istio", "pilot"));
        assertThat(d.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("sidecar.istio.io/inject", "false")
                .containsEntry("istio.io/dataplane-mode", "none")
                .containsEntry("app", "istiod")
                .containsEntry("istio", "pilot");
        PodSpec spec = d.getSpec().getTemplate().getSpec();
        assertThat(spec.getServiceAccountName()).isEqualTo("istiod");
        assertThat(spec.getTolerations()).anySatisfy(t -> {
            assertThat(t.getKey()).isEqualTo("cni.istio.io/not-ready");
            assertThat(t.getOperator()).isEqualTo("Exists");
        });

        Container c = spec.getContainers().getFirst();
        assertThat(c.getName()).isEqualTo("discovery");
        assertThat(c.getImage()).isEqualTo("registry.istio.io/testing/pilot:latest-distroless");
        assertThat(c.getArgs())
                .containsExactly(
                        "discovery",
                        "--monitoringAddr=:15014",
                        "--log_output_level=default:info",
                        "--domain",
                        "cluster.local",
                        "--keepaliveMaxServerConnectionAge",
                        "30m");
        assertThat(c.getPorts())
                .extracting(p -> p.getName() + "=" + p.getContainerPort())
                .containsExactly(
                        "http-debug=8080",
                        "grpc-xds=15010",
                        "tls-xds=15012",
                        "https-webhooks=15017",
                        "http-monitoring=15014");
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/ready");
        assertThat(c.getReadinessProbe().getHttpGet().getPort()).isEqualTo(new IntOrString(8080));
        assertThat(c.getReadinessProbe().getInitialDelaySeconds()).isEqualTo(1);
        assertThat(c.getReadinessProbe().getPeriodSeconds()).isEqualTo(3);
        assertThat(c.getReadinessProbe().getTimeoutSeconds()).isEqualTo(5);

        assertThat(c.getEnv())
                .extracting(EnvVar::getName)
                .containsExactly(
                        "REVISION",
                        "PILOT_CERT_PROVIDER",
                        "POD_NAME",
                        "POD_NAMESPACE",
                        "SERVICE_ACCOUNT",
                        "KUBECONFIG",
                        "CA_TRUSTED_NODE_ACCOUNTS",
                        "PILOT_ENABLE_AMBIENT",
                        "PILOT_TRACE_SAMPLING",
                        "PILOT_ENABLE_ANALYSIS",
                        "CLUSTER_ID",
                        "PLATFORM");
        assertThat(env(c.getEnv(), "REVISION")).isEqualTo("default");
        assertThat(env(c.getEnv(), "PILOT_CERT_PROVIDER")).isEqualTo("istiod");
        assertThat(env(c.getEnv(), "KUBECONFIG")).isEqualTo("/var/run/secrets/remote/config");
        assertThat(env(c.getEnv(), "CA_TRUSTED_NODE_ACCOUNTS")).isEqualTo("istio-system/ztunnel");
        assertThat(env(c.getEnv(), "PILOT_ENABLE_AMBIENT")).isEqualTo("true");
        assertThat(env(c.getEnv(), "PILOT_TRACE_SAMPLING")).isEqualTo("1");
        assertThat(env(c.getEnv(), "PILOT_ENABLE_ANALYSIS")).isEqualTo("false");
        assertThat(env(c.getEnv(), "CLUSTER_ID")).isEqualTo("Kubernetes");
        assertThat(env(c.getEnv(), "PLATFORM")).isEmpty();
        assertThat(c.getEnv().get(2).getValueFrom().getFieldRef().getFieldPath())
                .isEqualTo("metadata.name");
        assertThat(c.getEnv().get(3).getValueFrom().getFieldRef().getFieldPath())
                .isEqualTo("metadata.namespace");
        assertThat(c.getEnv().get(4).getValueFrom().getFieldRef().getFieldPath())
                .isEqualTo("spec.serviceAccountName");

        assertThat(c.getResources().getRequests())
                .containsEntry("cpu", new Quantity("500m"))
                .containsEntry("memory", new Quantity("2048Mi"));
        var sc = c.getSecurityContext();
        assertThat(sc.getAllowPrivilegeEscalation()).isFalse();
        assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
        assertThat(sc.getRunAsNonRoot()).isTrue();
        assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");

        assertThat(c.getVolumeMounts())
                .extracting(vm -> vm.getName() + "@" + vm.getMountPath())
                .contains(
                        "istio-token@/var/run/secrets/tokens",
                        "local-certs@/var/run/secrets/istio-dns",
                        "cacerts@/etc/cacerts",
                        "istio-kubeconfig@/var/run/secrets/remote",
                        "istio-csr-dns-cert@/var/run/secrets/istiod/tls",
                        "istio-csr-ca-configmap@/var/run/secrets/istiod/ca");
        assertThat(volume(spec, "local-certs").getEmptyDir().getMedium()).isEqualTo("Memory");
        var token = volume(spec, "istio-token")
                .getProjected()
                .getSources()
                .getFirst()
                .getServiceAccountToken();
        assertThat(token.getAudience()).isEqualTo("istio-ca");
        assertThat(token.getExpirationSeconds()).isEqualTo(43200L);
        assertThat(token.getPath()).isEqualTo("istio-token");
        assertThat(volume(spec, "cacerts").getSecret().getSecretName()).isEqualTo("cacerts");
        assertThat(volume(spec, "cacerts").getSecret().getOptional()).isTrue();
        assertThat(volume(spec, "istio-kubeconfig").getSecret().getOptional()).isTrue();
        assertThat(volume(spec, "istio-csr-dns-cert").getSecret().getSecretName())
                .isEqualTo("istiod-tls");
        assertThat(volume(spec, "istio-csr-ca-configmap").getConfigMap().getName())
                .isEqualTo("istio-ca-root-cert");
        assertThat(volume(spec, "istio-csr-ca-configmap").getConfigMap().getOptional())
                .isTrue();
    }

    @Test
    void withoutTheProfileAmbientIsOffAndThereIsNoVariant() {
        Container c = discovery(Render.of(Chart.ISTIOD).call(), "istiod");
        assertThat(env(c.getEnv(), "PILOT_ENABLE_AMBIENT")).isNull();
        assertThat(c.getImage()).isEqualTo("registry.istio.io/testing/pilot:latest");
    }

    @Test
    void serviceMaps443ToTheWebhookPort() {
        Service s = Render.ambient(Chart.ISTIOD).call().get(Service.class, "istiod");
        assertThat(s.getSpec().getPorts())
                .extracting(ServicePort::getName, ServicePort::getPort)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("grpc-xds", 15010),
                        org.assertj.core.groups.Tuple.tuple("https-dns", 15012),
                        org.assertj.core.groups.Tuple.tuple("https-webhook", 443),
                        org.assertj.core.groups.Tuple.tuple("http-monitoring", 15014));
        assertThat(s.getSpec().getPorts().get(2).getTargetPort()).isEqualTo(new IntOrString(15017));
        assertThat(s.getSpec().getSelector())
                .containsExactlyInAnyOrderEntriesOf(Map.of("app", "istiod", "istio", "pilot"));
    }

    @Test
    void meshConfigMapUnderTheAmbientProfile() {
        ConfigMap cm = Render.ambient(Chart.ISTIOD).call().get(ConfigMap.class, "istio");
        assertThat(Manifest.json(cm.getData().get("meshNetworks"))).isEqualTo(Map.of("networks", Map.of()));
        Map<String, Object> mesh = Manifest.json(cm.getData().get("mesh"));
        assertThat(mesh)
                .containsEntry("trustDomain", "cluster.local")
                .containsEntry("rootNamespace", "istio-system")
                .containsEntry("enablePrometheusMerge", true)
                .containsEntry("defaultProviders", Map.of("metrics", List.of("prometheus")));
        assertThat(Manifest.path(mesh, "defaultConfig", "discoveryAddress")).isEqualTo("istiod.istio-system.svc:15012");
        assertThat(Manifest.path(mesh, "defaultConfig", "image", "imageType")).isEqualTo("distroless");
        assertThat(Manifest.path(mesh, "defaultConfig", "proxyMetadata", "ISTIO_META_ENABLE_HBONE"))
                .isEqualTo("true");
        assertThat(Manifest.path(mesh, "defaultConfig", "meshId")).isNull();
        assertThat(Manifest.path(mesh, "defaultConfig", "tracing")).isNull();
        assertThat(mesh.get("serviceScopeConfigs"))
                .isEqualTo(List.of(Map.of(
                        "scope",
                        "GLOBAL",
                        "servicesSelector",
                        Map.of(
                                "matchExpressions",
                                List.of(Map.of(
                                        "key", "istio.io/global", "operator", "In", "values", List.of("true")))))));
    }

    @Test
    void meshConfigValuesAreMergedOverTheGeneratedOnes() {
        ConfigMap cm = Render.of(Chart.ISTIOD)
                .set("meshConfig.trustDomain", "example.org")
                .set("meshConfig.rootNamespace", "mesh-root")
                .set("meshConfig.defaultProviders.metrics[0]", "otel")
                .call()
                .get(ConfigMap.class, "istio");
        Map<String, Object> mesh = Manifest.json(cm.getData().get("mesh"));
        assertThat(mesh)
                .containsEntry("trustDomain", "example.org")
                .containsEntry("rootNamespace", "mesh-root")
                .containsEntry("defaultProviders", Map.of("metrics", List.of("otel")));
        assertThat(Manifest.path(mesh, "defaultConfig", "image"))
                .as("no variant without the profile")
                .isNull();
    }

    @Test
    void revisionRenamesTheObjects() {
        Manifest m = Render.ambient(Chart.ISTIOD).set("revision", "canary").call();
        Deployment d = m.get(Deployment.class, "istiod-canary");
        assertThat(d.getSpec().getSelector().getMatchLabels())
                .containsExactlyInAnyOrderEntriesOf(Map.of("app", "istiod", "istio.io/rev", "canary"));
        assertThat(d.getSpec().getTemplate().getMetadata().getLabels()).containsEntry("istio", "istiod");
        assertThat(env(
                        d.getSpec()
                                .getTemplate()
                                .getSpec()
                                .getContainers()
                                .getFirst()
                                .getEnv(),
                        "REVISION"))
                .isEqualTo("canary");
        assertThat(m.get(Service.class, "istiod-canary").getSpec().getSelector())
                .containsExactlyInAnyOrderEntriesOf(Map.of("app", "istiod", "istio.io/rev", "canary"));
        ConfigMap mesh = m.get(ConfigMap.class, "istio-canary");
        assertThat(Manifest.path(Manifest.json(mesh.getData().get("mesh")), "defaultConfig", "discoveryAddress"))
                .isEqualTo("istiod-canary.istio-system.svc:15012");
        m.get(ConfigMap.class, "istio-sidecar-injector-canary");
        m.get(ClusterRole.class, "istiod-clusterrole-canary-istio-system");
        m.get(Role.class, "istiod-canary");
        m.get(HorizontalPodAutoscaler.class, "istiod-canary");
        assertThat(m.get(MutatingWebhookConfiguration.class, "istio-sidecar-injector-canary")
                        .getWebhooks())
                .extracting(MutatingWebhook::getName)
                .containsExactly("rev.namespace.sidecar-injector.istio.io", "rev.object.sidecar-injector.istio.io");
    }

    @Test
    void trustedZtunnelAccountFollowsTheValues() {
        Container multiNs = discovery(
                Render.ambient(Chart.ISTIOD)
                        .namespace("istiod")
                        .set("global.istioNamespace", "istiod")
                        .set("pilot.trustedZtunnelNamespace", "ztunnel")
                        .call(),
                "istiod");
        assertThat(env(multiNs.getEnv(), "CA_TRUSTED_NODE_ACCOUNTS")).isEqualTo("ztunnel/ztunnel");

        Container releaseNs =
                discovery(Render.ambient(Chart.ISTIOD).namespace("cp").call(), "istiod");
        assertThat(env(releaseNs.getEnv(), "CA_TRUSTED_NODE_ACCOUNTS")).isEqualTo("cp/ztunnel");

        Container renamed = discovery(
                Render.ambient(Chart.ISTIOD)
                        .set("trustedZtunnelNamespace", "kube-system")
                        .set("trustedZtunnelName", "zt")
                        .call(),
                "istiod");
        assertThat(env(renamed.getEnv(), "CA_TRUSTED_NODE_ACCOUNTS")).isEqualTo("kube-system/zt");

        Container explicit = discovery(
                Render.ambient(Chart.ISTIOD)
                        .set("env.CA_TRUSTED_NODE_ACCOUNTS", "a/b")
                        .call(),
                "istiod");
        assertThat(explicit.getEnv())
                .filteredOn(e -> e.getName().equals("CA_TRUSTED_NODE_ACCOUNTS"))
                .singleElement()
                .satisfies(e -> assertThat(e.getValue()).isEqualTo("a/b"));
    }

    @Test
    void openshiftPlatformTrustsZtunnelInKubeSystem() {
        Container c = discovery(
                Render.ambient(Chart.ISTIOD).set("global.platform", "openshift").call(), "istiod");
        assertThat(env(c.getEnv(), "CA_TRUSTED_NODE_ACCOUNTS")).isEqualTo("kube-system/ztunnel");
        assertThat(env(c.getEnv(), "PLATFORM")).isEqualTo("openshift");
        assertThat(c.getTerminationMessagePolicy()).isEqualTo("FallbackToLogsOnError");
    }

    @Test
    void imageOverrides() {
        assertThat(discovery(
                                Render.ambient(Chart.ISTIOD)
                                        .set("global.hub", "example.org/ambient4j")
                                        .set("global.tag", "0.1.0")
                                        .call(),
                                "istiod")
                        .getImage())
                .isEqualTo("example.org/ambient4j/pilot:0.1.0-distroless");
        assertThat(discovery(
                                Render.ambient(Chart.ISTIOD)
                                        .set("hub", "per.chart/hub")
                                        .set("tag", "t1")
                                        .set("variant", "debug")
                                        .set("global.hub", "ignored/hub")
                                        .call(),
                                "istiod")
                        .getImage())
                .isEqualTo("per.chart/hub/pilot:t1-debug");
        assertThat(discovery(
                                Render.of(Chart.ISTIOD)
                                        .set("image", "my.reg/x/pilot:1")
                                        .call(),
                                "istiod")
                        .getImage())
                .isEqualTo("my.reg/x/pilot:1");
        assertThat(discovery(Render.of(Chart.ISTIOD).set("image", "pilot").call(), "istiod")
                        .getImage())
                .isEqualTo("registry.istio.io/testing/pilot:latest");
    }

    @Test
    void autoscalerAndDisruptionBudget() {
        Manifest m = Render.ambient(Chart.ISTIOD).call();
        HorizontalPodAutoscaler hpa = m.get(HorizontalPodAutoscaler.class, "istiod");
        assertThat(hpa.getApiVersion()).isEqualTo("autoscaling/v2");
        assertThat(hpa.getSpec().getMinReplicas()).isEqualTo(1);
        assertThat(hpa.getSpec().getMaxReplicas()).isEqualTo(5);
        assertThat(hpa.getSpec().getScaleTargetRef().getName()).isEqualTo("istiod");
        assertThat(hpa.getSpec().getMetrics()).singleElement().satisfies(metric -> {
            assertThat(metric.getResource().getName()).isEqualTo("cpu");
            assertThat(metric.getResource().getTarget().getAverageUtilization()).isEqualTo(80);
        });
        assertThat(m.all(PodDisruptionBudget.class)).as("one replica: no PDB").isEmpty();

        PodDisruptionBudget pdb =
                Render.ambient(Chart.ISTIOD).set("autoscaleMin", "2").call().get(PodDisruptionBudget.class, "istiod");
        assertThat(pdb.getSpec().getMinAvailable()).isEqualTo(new IntOrString(1));
        assertThat(pdb.getSpec().getSelector().getMatchLabels())
                .containsExactlyInAnyOrderEntriesOf(Map.of("app", "istiod", "istio", "pilot"));

        Manifest fixed = Render.ambient(Chart.ISTIOD)
                .set("autoscaleEnabled", "false")
                .set("replicaCount", "3")
                .call();
        assertThat(fixed.get(Deployment.class, "istiod").getSpec().getReplicas())
                .isEqualTo(3);
        assertThat(fixed.all(HorizontalPodAutoscaler.class)).isEmpty();
        fixed.get(PodDisruptionBudget.class, "istiod");
    }

    @Test
    void remoteProfilePointsAtTheExternalIstiod() {
        Manifest ip = Render.of(Chart.ISTIOD)
                .set("profile", "remote")
                .set("global.remotePilotAddress", "10.1.2.3")
                .call();
        assertThat(ip.names())
                .contains("Service/istiod", "EndpointSlice/istiod")
                .doesNotContain("Deployment/istiod", "ConfigMap/istio", "ConfigMap/istio-sidecar-injector");
        assertThat(ip.get(Service.class, "istiod").getSpec().getPorts())
                .extracting(ServicePort::getName)
                .containsExactly("tcp-istiod", "tcp-webhook");
        assertThat(ip.text()).contains("addressType: IPv4");

        Manifest host = Render.of(Chart.ISTIOD)
                .set("profile", "remote")
                .set("global.remotePilotAddress", "istiod.example.com")
                .call();
        Service external = host.get(Service.class, "istiod");
        assertThat(external.getSpec().getType()).isEqualTo("ExternalName");
        assertThat(external.getSpec().getExternalName()).isEqualTo("istiod.example.com");
        assertThat(host.names()).noneMatch(n -> n.startsWith("EndpointSlice/"));
    }

    @Test
    void stableProfileAddsTheRevisionAdmissionPolicy() {
        Manifest m = Render.of(Chart.ISTIOD).set("profile", "stable").call();
        assertThat(m.names())
                .contains(
                        "ValidatingAdmissionPolicy/stable-channel-policy-istio-system.istio.io",
                        "ValidatingAdmissionPolicyBinding/stable-channel-policy-binding-istio-system.istio.io");
    }

    @Test
    void resourceScopeSplitsClusterAndNamespacedObjects() {
        Manifest cluster = Render.ambient(Chart.ISTIOD)
                .set("global.resourceScope", "cluster")
                .call();
        assertThat(cluster.objects())
                .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isNull());
        assertThat(cluster.names()).contains("ValidatingWebhookConfiguration/istio-validator-istio-system");
        Manifest ns = Render.ambient(Chart.ISTIOD)
                .set("global.resourceScope", "namespace")
                .call();
        assertThat(ns.objects())
                .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isNotNull());
        assertThat(ns.names()).contains("Deployment/istiod");
    }
}
