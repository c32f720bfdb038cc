package io.ambient4j.charts;

import static io.ambient4j.charts.Manifest.volume;
import static io.ambient4j.charts.ProfileMechanismTest.env;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** helm-charts.md §5 and conformance C006: the ztunnel DaemonSet. */
class ZtunnelChartTest {

    static DaemonSet ztunnel(Manifest m) {
        return m.get(DaemonSet.class, "ztunnel");
    }

    @Test
    void C006_ztunnelDaemonSetUnderTheAmbientProfile() {
        Manifest m = Render.ambient(Chart.ZTUNNEL).values("""
                        resources:
                          requests: {cpu: 100m, memory: 100Mi}
                          limits: {cpu: 200m, memory: 200Mi}
                        """).call();
        assertThat(m.names()).containsExactly("ServiceAccount/ztunnel", "DaemonSet/ztunnel");
        DaemonSet ds = ztunnel(m);
        assertThat(ds.getMetadata().getNamespace()).isEqualTo("istio-system");
        assertThat(ds.getSpec().getSelector().getMatchLabels()).containsExactlyEntriesOf(Map.of("app", "ztunnel"));
        assertThat(ds.getSpec().getUpdateStrategy().getType()).isEqualTo("RollingUpdate");
        assertThat(ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxSurge())
                .isEqualTo(new IntOrString(1));
        assertThat(ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable())
                .isEqualTo(new IntOrString(0));
        assertThat(ds.getSpec().getTemplate().getMetadata().getLabels())
                .containsEntry("sidecar.istio.io/inject", "false")
                .containsEntry("istio.io/dataplane-mode", "none")
                .containsEntry("app", "ztunnel")
                .containsEntry("app.kubernetes.io/name", "ztunnel");
        assertThat(ds.getSpec().getTemplate().getMetadata().getAnnotations())
                .containsEntry("prometheus.io/port", "15020")
                .containsEntry("prometheus.io/scrape", "true");

        PodSpec spec = ds.getSpec().getTemplate().getSpec();
        assertThat(spec.getHostNetwork()).as("in-pod mode: no hostNetwork").isNull();
        assertThat(spec.getNodeSelector()).containsEntry("kubernetes.io/os", "linux");
        assertThat(spec.getServiceAccountName()).isEqualTo("ztunnel");
        assertThat(spec.getPriorityClassName()).isEqualTo("system-node-critical");
        assertThat(spec.getTerminationGracePeriodSeconds()).isEqualTo(30L);

        Container c = spec.getContainers().getFirst();
        assertThat(c.getName()).isEqualTo("istio-proxy");
        assertThat(c.getImage()).isEqualTo("registry.istio.io/testing/ztunnel:latest-distroless");
        assertThat(c.getArgs()).containsExactly("proxy", "ztunnel");
        assertThat(c.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("ztunnel-stats");
            assertThat(p.getContainerPort()).isEqualTo(15020);
        });
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/healthz/ready");
        assertThat(c.getReadinessProbe().getHttpGet().getPort()).isEqualTo(new IntOrString(15021));
        assertThat(c.getResources().getRequests())
                .containsEntry("cpu", new Quantity("100m"))
                .containsEntry("memory", new Quantity("100Mi"));
        assertThat(c.getResources().getLimits())
                .containsEntry("cpu", new Quantity("200m"))
                .containsEntry("memory", new Quantity("200Mi"));

        var sc = c.getSecurityContext();
        assertThat(sc.getPrivileged()).isFalse();
        assertThat(sc.getAllowPrivilegeEscalation()).isTrue();
        assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(sc.getCapabilities().getAdd()).containsExactly("NET_ADMIN", "SYS_ADMIN", "NET_RAW");
        assertThat(sc.getReadOnlyRootFilesystem()).isTrue();
        assertThat(sc.getRunAsUser()).isZero();
        assertThat(sc.getRunAsGroup()).isEqualTo(1337L);
        assertThat(sc.getRunAsNonRoot()).isFalse();

        assertThat(c.getEnv())
                .extracting(EnvVar::getName)
                .containsExactly(
                        "CA_ADDRESS",
                        "XDS_ADDRESS",
                        "RUST_LOG",
                        "RUST_BACKTRACE",
                        "ISTIO_META_CLUSTER_ID",
                        "INPOD_ENABLED",
                        "TERMINATION_GRACE_PERIOD_SECONDS",
                        "POD_NAME",
                        "POD_NAMESPACE",
                        "NODE_NAME",
                        "INSTANCE_IP",
                        "SERVICE_ACCOUNT",
                        "ISTIO_META_ENABLE_HBONE",
                        "ZTUNNEL_CPU_LIMIT",
                        "ZTUNNEL_RESOURCE_CPU_LIMIT",
                        "ZTUNNEL_RESOURCE_CPU_REQUEST");
        assertThat(env(c.getEnv(), "CA_ADDRESS")).isEqualTo("istiod.istio-system.svc:15012");
        assertThat(env(c.getEnv(), "XDS_ADDRESS")).isEqualTo("istiod.istio-system.svc:15012");
        assertThat(env(c.getEnv(), "RUST_LOG")).isEqualTo("info");
        assertThat(env(c.getEnv(), "RUST_BACKTRACE")).isEqualTo("1");
        assertThat(env(c.getEnv(), "ISTIO_META_CLUSTER_ID")).isEqualTo("Kubernetes");
        assertThat(env(c.getEnv(), "INPOD_ENABLED")).isEqualTo("true");
        assertThat(env(c.getEnv(), "TERMINATION_GRACE_PERIOD_SECONDS")).isEqualTo("30");
        assertThat(env(c.getEnv(), "ISTIO_META_ENABLE_HBONE")).isEqualTo("true");
        assertThat(c.getEnv().get(7).getValueFrom().getFieldRef().getFieldPath())
                .isEqualTo("metadata.name");
        assertThat(c.getEnv().get(8).getValueFrom().getFieldRef().getFieldPath())
                .isEqualTo("metadata.namespace");
        assertThat(c.getEnv().get(9).getValueFrom().getFieldRef().getFieldPath())
                .isEqualTo("spec.nodeName");
        assertThat(c.getEnv().get(10).getValueFrom().getFieldRef().getFieldPath())
                .isEqualTo("status.podIP");
        assertThat(c.getEnv().get(11).getValueFrom().getFieldRef().getFieldPath())
                .isEqualTo("spec.serviceAccountName");
        var cpuLimit = c.getEnv().get(13).getValueFrom().getResourceFieldRef();
        assertThat(cpuLimit.getResource()).isEqualTo("limits.cpu");
        assertThat(cpuLimit.getDivisor()).isEqualTo(new Quantity("1"));
        assertThat(c.getEnv().get(15).getValueFrom().getResourceFieldRef().getResource())
                .isEqualTo("requests.cpu");

        assertThat(c.getVolumeMounts())
                .extracting(VolumeMount::getName, VolumeMount::getMountPath)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("istiod-ca-cert", "/var/run/secrets/istio"),
                        org.assertj.core.groups.Tuple.tuple("istio-token", "/var/run/secrets/tokens"),
                        org.assertj.core.groups.Tuple.tuple("cni-ztunnel-sock-dir", "/var/run/ztunnel"),
                        org.assertj.core.groups.Tuple.tuple("tmp", "/tmp"));
        var token = volume(spec, "istio-token")
                .getProjected()
                .getSources()
                .getFirst()
                .getServiceAccountToken();
        assertThat(token.getAudience()).isEqualTo("istio-ca");
        assertThat(token.getExpirationSeconds()).isEqualTo(43200L);
        assertThat(token.getPath()).isEqualTo("istio-token");
        assertThat(volume(spec, "istiod-ca-cert").getConfigMap().getName()).isEqualTo("istio-ca-root-cert");
        assertThat(volume(spec, "cni-ztunnel-sock-dir").getHostPath().getPath()).isEqualTo("/var/run/ztunnel");
        assertThat(volume(spec, "cni-ztunnel-sock-dir").getHostPath().getType()).isEqualTo("DirectoryOrCreate");
        assertThat(volume(spec, "tmp").getEmptyDir()).isNotNull();
        assertThat(spec.getVolumes())
                .extracting(v -> v.getName())
                .as("ztunnel mounts neither netns nor CNI dirs")
                .containsExactlyInAnyOrder("istio-token", "istiod-ca-cert", "cni-ztunnel-sock-dir", "tmp");
    }

    @Test
    void withoutTheProfileAsTheDocsInstallIt() {
        Container c = ztunnel(Render.of(Chart.ZTUNNEL).call())
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .getFirst();
        assertThat(c.getImage()).isEqualTo("registry.istio.io/testing/ztunnel:latest");
        assertThat(env(c.getEnv(), "ISTIO_META_ENABLE_HBONE")).isNull();
        assertThat(env(c.getEnv(), "ZTUNNEL_RESOURCE_CPU_REQUEST"))
                .as("default request is 200m")
                .isNull();
        assertThat(c.getEnv()).extracting(EnvVar::getName).contains("ZTUNNEL_RESOURCE_CPU_REQUEST");
        assertThat(c.getEnv()).extracting(EnvVar::getName).doesNotContain("ZTUNNEL_RESOURCE_CPU_LIMIT");
        assertThat(c.getResources().getRequests())
                .containsEntry("cpu", new Quantity("200m"))
                .containsEntry("memory", new Quantity("512Mi"));
        assertThat(c.getResources().getLimits()).isNullOrEmpty();
    }

    @Test
    void C006_imageNamingPerComponentHubAndTagWinOverGlobal() {
        Container c = ztunnel(Render.ambient(Chart.ZTUNNEL)
                        .set("global.hub", "global.example/hub")
                        .set("global.tag", "g1")
                        .set("hub", "component.example/hub")
                        .set("tag", "c1")
                        .call())
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .getFirst();
        assertThat(c.getImage()).isEqualTo("component.example/hub/ztunnel:c1-distroless");
        Container full = ztunnel(
                        Render.of(Chart.ZTUNNEL).set("image", "my.reg/zt:7").call())
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .getFirst();
        assertThat(full.getImage()).isEqualTo("my.reg/zt:7");
    }

    @Test
    void C006_imageNamingFollowsGlobalHubTagAndVariant() {
        for (var c : List.of(
                List.of("", "example.org/ambient4j/ztunnel:0.1.0"),
                List.of("debug", "example.org/ambient4j/ztunnel:0.1.0-debug"),
                List.of("distroless", "example.org/ambient4j/ztunnel:0.1.0-distroless"))) {
            Container container = ztunnel(Render.of(Chart.ZTUNNEL)
                            .set("global.hub", "example.org/ambient4j")
                            .set("global.tag", "0.1.0")
                            .set("global.variant", c.get(0))
                            .call())
                    .getSpec()
                    .getTemplate()
                    .getSpec()
                    .getContainers()
                    .getFirst();
            assertThat(container.getImage()).as("variant %s", c.get(0)).isEqualTo(c.get(1));
        }
    }

    @Test
    void revisionNamespaceAndOptionalEnv() {
        Manifest m = Render.ambient(Chart.ZTUNNEL)
                .namespace("ztunnel")
                .set("revision", "canary")
                .set("istioNamespace", "istiod")
                .set("network", "net1")
                .set("logAsJson", "true")
                .set("logLevel", "debug")
                .set("multiCluster.clusterName", "c1")
                .set("peerCaCrl.enabled", "true")
                .set("env.EXTRA", "x")
                .set("resourceName", "zt")
                .call();
        DaemonSet ds = m.get(DaemonSet.class, "zt");
        assertThat(ds.getMetadata().getAnnotations()).containsEntry("istio.io/rev", "canary");
        assertThat(ds.getSpec().getTemplate().getMetadata().getAnnotations()).containsEntry("istio.io/rev", "canary");
        assertThat(m.get(ServiceAccount.class, "zt").getMetadata().getNamespace())
                .isEqualTo("ztunnel");
        PodSpec spec = ds.getSpec().getTemplate().getSpec();
        assertThat(spec.getServiceAccountName()).isEqualTo("zt");
        Container c = spec.getContainers().getFirst();
        assertThat(env(c.getEnv(), "CA_ADDRESS")).isEqualTo("istiod-canary.istiod.svc:15012");
        assertThat(env(c.getEnv(), "XDS_ADDRESS")).isEqualTo("istiod-canary.istiod.svc:15012");
        assertThat(env(c.getEnv(), "LOG_FORMAT")).isEqualTo("json");
        assertThat(env(c.getEnv(), "NETWORK")).isEqualTo("net1");
        assertThat(env(c.getEnv(), "RUST_LOG")).isEqualTo("debug");
        assertThat(env(c.getEnv(), "ISTIO_META_CLUSTER_ID")).isEqualTo("c1");
        assertThat(env(c.getEnv(), "EXTRA")).isEqualTo("x");
        assertThat(env(c.getEnv(), "CRL_PATH")).isEqualTo("/var/run/secrets/istio/crl/ca-crl.pem");
        assertThat(c.getEnv()).extracting(EnvVar::getName).endsWith("EXTRA", "CRL_PATH");
        assertThat(volume(spec, "crl-volume").getConfigMap().getName()).isEqualTo("istio-ca-crl");
        assertThat(volume(spec, "crl-volume").getConfigMap().getOptional()).isTrue();

        Container explicit = ztunnel(Render.of(Chart.ZTUNNEL)
                        .set("caAddress", "ca.example:15012")
                        .set("xdsAddress", "xds.example:15012")
                        .call())
                .getSpec()
                .getTemplate()
                .getSpec()
                .getContainers()
                .getFirst();
        assertThat(env(explicit.getEnv(), "CA_ADDRESS")).isEqualTo("ca.example:15012");
        assertThat(env(explicit.getEnv(), "XDS_ADDRESS")).isEqualTo("xds.example:15012");
    }

    @Test
    void rbacOnlyOnOpenshift() {
        assertThat(Render.ambient(Chart.ZTUNNEL).call().all(ClusterRole.class)).isEmpty();
        Manifest os = Render.ambient(Chart.ZTUNNEL)
                .set("global.platform", "openshift")
                .call();
        ClusterRole role = os.get(ClusterRole.class, "ztunnel");
        assertThat(role.getRules()).singleElement().satisfies(r -> {
            assertThat(r.getResources()).containsExactly("securitycontextconstraints");
            assertThat(r.getResourceNames()).containsExactly("privileged");
            assertThat(r.getVerbs()).containsExactly("use");
        });
        assertThat(os.names()).contains("ClusterRoleBinding/ztunnel");
        Container c =
                ztunnel(os).getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertThat(c.getSecurityContext().getSeLinuxOptions().getType()).isEqualTo("spc_t");
    }

    @Test
    void networkPolicyListsZtunnelPorts() {
        Manifest m = Render.ambient(Chart.ZTUNNEL)
                .set("global.networkPolicy.enabled", "true")
                .call();
        var np = m.get(io.fabric8.kubernetes.api.model.networking.v1.NetworkPolicy.class, "ztunnel");
        assertThat(np.getSpec().getIngress())
                .flatExtracting(r -> r.getPorts())
                .extracting(p -> p.getProtocol() + "/" + p.getPort().getIntVal())
                .containsExactly(
                        "TCP/15021",
                        "TCP/15020",
                        "TCP/15000",
                        "TCP/15008",
                        "TCP/15001",
                        "TCP/15006",
                        "TCP/15053",
                        "UDP/15053");
    }
}
