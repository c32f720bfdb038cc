package io.ambient4j.charts;

import static io.ambient4j.charts.IstiodRbacTest.verbs;
import static io.ambient4j.charts.Manifest.volume;
import static io.ambient4j.charts.ProfileMechanismTest.env;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.rbac.ClusterRole;
import io.fabric8.kubernetes.api.model.rbac.ClusterRoleBinding;
import io.fabric8.kubernetes.api.model.rbac.PolicyRule;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** helm-charts.md §4: the cni chart (istio-cni-node) under the ambient profile and the platform profiles. */
class CniChartTest {

    static DaemonSet daemonSet(Manifest m) {
        return m.get(DaemonSet.class, "istio-cni-node");
    }

    static String hostPath(DaemonSet ds, String volume) {
        return volume(ds.getSpec().getTemplate().getSpec(), volume)
                .getHostPath()
                .getPath();
    }

    @Test
    void ambientRendersTheUpstreamObjectSet() {
        assertThat(Render.ambient(Chart.CNI).call().names())
                .containsExactlyInAnyOrder(
                        "ServiceAccount/istio-cni",
                        "ConfigMap/istio-cni-config",
                        "DaemonSet/istio-cni-node",
                        "ClusterRole/istio-cni",
                        "ClusterRoleBinding/istio-cni",
                        "ClusterRole/istio-cni-repair-role",
                        "ClusterRoleBinding/istio-cni-repair-rolebinding",
                        "ClusterRole/istio-cni-ambient",
                        "ClusterRoleBinding/istio-cni-ambient");
    }

    @Test
    void ambientDaemonSet() {
        DaemonSet ds = daemonSet(Render.ambient(Chart.CNI).call());
        assertThat(ds.getSpec().getSelector().getMatchLabels())
                .containsExactlyEntriesOf(Map.of("k8s-app", "istio-cni-node"));
        assertThat(ds.getSpec().getUpdateStrategy().getType()).isEqualTo("RollingUpdate");
        assertThat(ds.getSpec().getUpdateStrategy().getRollingUpdate().getMaxUnavailable())
                .isEqualTo(new IntOrString(1));
        var meta = ds.getSpec().getTemplate().getMetadata();
        assertThat(meta.getLabels())
                .containsEntry("k8s-app", "istio-cni-node")
                .containsEntry("sidecar.istio.io/inject", "false")
                .containsEntry("istio.io/dataplane-mode", "none");
        assertThat(meta.getAnnotations())
                .containsEntry("prometheus.io/scrape", "true")
                .containsEntry("prometheus.io/port", "15014")
                .containsEntry("prometheus.io/path", "/metrics")
                .containsEntry("container.apparmor.security.beta.kubernetes.io/install-cni", "unconfined");

        PodSpec spec = ds.getSpec().getTemplate().getSpec();
        assertThat(spec.getHostNetwork()).isNull();
        assertThat(spec.getNodeSelector()).containsEntry("kubernetes.io/os", "linux");
        assertThat(spec.getPriorityClassName()).isEqualTo("system-node-critical");
        assertThat(spec.getServiceAccountName()).isEqualTo("istio-cni");
        assertThat(spec.getTerminationGracePeriodSeconds()).isEqualTo(30L);
        assertThat(spec.getTolerations())
                .extracting(t -> t.getKey() + "/" + t.getEffect() + "/" + t.getOperator())
                .containsExactly("null/NoSchedule/Exists", "CriticalAddonsOnly/null/Exists", "null/NoExecute/Exists");

        Container c = spec.getContainers().getFirst();
        assertThat(c.getName()).isEqualTo("install-cni");
        assertThat(c.getImage()).isEqualTo("registry.istio.io/testing/install-cni:latest-distroless");
        assertThat(c.getCommand()).containsExactly("install-cni");
        assertThat(c.getArgs()).containsExactly("--log_output_level=info");
        assertThat(c.getPorts()).singleElement().satisfies(p -> {
            assertThat(p.getName()).isEqualTo("metrics");
            assertThat(p.getContainerPort()).isEqualTo(15014);
        });
        assertThat(c.getReadinessProbe().getHttpGet().getPath()).isEqualTo("/readyz");
        assertThat(c.getReadinessProbe().getHttpGet().getPort()).isEqualTo(new IntOrString(8000));
        assertThat(c.getEnvFrom())
                .singleElement()
                .satisfies(e -> assertThat(e.getConfigMapRef().getName()).isEqualTo("istio-cni-config"));
        assertThat(c.getEnv())
                .extracting(EnvVar::getName)
                .containsExactly(
                        "REPAIR_NODE_NAME",
                        "REPAIR_RUN_AS_DAEMON",
                        "REPAIR_SIDECAR_ANNOTATION",
                        "ALLOW_SWITCH_TO_HOST_NS",
                        "NODE_NAME",
                        "GOMEMLIMIT",
                        "POD_NAME",
                        "POD_NAMESPACE");
        assertThat(env(c.getEnv(), "REPAIR_SIDECAR_ANNOTATION")).isEqualTo("sidecar.istio.io/status");
        assertThat(c.getEnv().get(5).getValueFrom().getResourceFieldRef().getResource())
                .isEqualTo("limits.memory");

        var sc = c.getSecurityContext();
        assertThat(sc.getPrivileged()).isFalse();
        assertThat(sc.getRunAsUser()).isZero();
        assertThat(sc.getRunAsGroup()).isZero();
        assertThat(sc.getRunAsNonRoot()).isFalse();
        assertThat(sc.getCapabilities().getDrop()).containsExactly("ALL");
        assertThat(sc.getCapabilities().getAdd())
                .containsExactly("NET_ADMIN", "NET_RAW", "SYS_PTRACE", "SYS_ADMIN", "DAC_OVERRIDE");

        assertThat(c.getVolumeMounts())
                .extracting(VolumeMount::getName, VolumeMount::getMountPath)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("cni-bin-dir", "/host/opt/cni/bin"),
                        org.assertj.core.groups.Tuple.tuple("cni-host-procfs", "/host/proc"),
                        org.assertj.core.groups.Tuple.tuple("cni-net-dir", "/host/etc/cni/net.d"),
                        org.assertj.core.groups.Tuple.tuple("cni-socket-dir", "/var/run/istio-cni"),
                        org.assertj.core.groups.Tuple.tuple("cni-netns-dir", "/host/var/run/netns"),
                        org.assertj.core.groups.Tuple.tuple("cni-ztunnel-sock-dir", "/var/run/ztunnel"));
        assertThat(c.getVolumeMounts().get(1).getReadOnly()).isTrue();
        assertThat(c.getVolumeMounts().get(4).getMountPropagation()).isEqualTo("HostToContainer");

        assertThat(hostPath(ds, "cni-bin-dir")).isEqualTo("/opt/cni/bin");
        assertThat(hostPath(ds, "cni-net-dir")).isEqualTo("/etc/cni/net.d");
        assertThat(hostPath(ds, "cni-socket-dir")).isEqualTo("/var/run/istio-cni");
        assertThat(hostPath(ds, "cni-host-procfs")).isEqualTo("/proc");
        assertThat(volume(spec, "cni-host-procfs").getHostPath().getType()).isEqualTo("Directory");
        assertThat(hostPath(ds, "cni-netns-dir")).isEqualTo("/var/run/netns");
        assertThat(volume(spec, "cni-netns-dir").getHostPath().getType()).isEqualTo("DirectoryOrCreate");
        assertThat(hostPath(ds, "cni-ztunnel-sock-dir")).isEqualTo("/var/run/ztunnel");
        assertThat(volume(spec, "cni-ztunnel-sock-dir").getHostPath().getType()).isEqualTo("DirectoryOrCreate");
    }

    @Test
    void withoutAmbientNoNetnsOrZtunnelMounts() {
        Manifest m = Render.of(Chart.CNI).call();
        DaemonSet ds = daemonSet(m);
        Container c = ds.getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertThat(c.getImage()).isEqualTo("registry.istio.io/testing/install-cni:latest");
        assertThat(c.getVolumeMounts())
                .extracting(VolumeMount::getName)
                .containsExactly("cni-bin-dir", "cni-host-procfs", "cni-net-dir", "cni-socket-dir");
        // the netns volume is always declared, the ztunnel socket dir only with ambient
        assertThat(ds.getSpec().getTemplate().getSpec().getVolumes())
                .extracting(v -> v.getName())
                .contains("cni-netns-dir")
                .doesNotContain("cni-ztunnel-sock-dir");
        assertThat(m.find(ClusterRole.class, "istio-cni-ambient")).isEmpty();
        assertThat(m.get(ConfigMap.class, "istio-cni-config").getData()).containsEntry("AMBIENT_ENABLED", "false");
    }

    @Test
    void configMapKeys() {
        ConfigMap cm = Render.ambient(Chart.CNI).call().get(ConfigMap.class, "istio-cni-config");
        assertThat(cm.getData())
                .containsEntry("CURRENT_AGENT_VERSION", "latest")
                .containsEntry("AMBIENT_ENABLED", "true")
                .containsEntry("AMBIENT_DNS_CAPTURE", "true")
                .containsEntry("AMBIENT_IPV6", "true")
                .containsEntry("AMBIENT_RECONCILE_POD_RULES_ON_STARTUP", "true")
                .containsEntry("ENABLE_AMBIENT_DETECTION_RETRY", "false")
                .containsEntry("ISTIO_OWNED_CNI_CONFIG", "false")
                .containsEntry("CHAINED_CNI_PLUGIN", "true")
                .containsEntry("EXCLUDE_NAMESPACES", "kube-system")
                .containsEntry("REPAIR_ENABLED", "true")
                .containsEntry("REPAIR_LABEL_PODS", "false")
                .containsEntry("REPAIR_DELETE_PODS", "false")
                .containsEntry("REPAIR_REPAIR_PODS", "true")
                .containsEntry("REPAIR_INIT_CONTAINER_NAME", "istio-validation")
                .containsEntry("REPAIR_BROKEN_POD_LABEL_KEY", "cni.istio.io/uninitialized")
                .containsEntry("REPAIR_BROKEN_POD_LABEL_VALUE", "true")
                .containsEntry("NATIVE_NFTABLES", "false")
                .doesNotContainKeys("CNI_CONF_NAME", "ISTIO_OWNED_CNI_CONF_FILENAME");
        // the enablement rule: (a) pod label ambient; (b) namespace label ambient and pod not opted out
        Object selectors = Manifest.json("s:" + indentFlow(cm.getData().get("AMBIENT_ENABLEMENT_SELECTOR")))
                .get("s");
        assertThat(selectors)
                .isEqualTo(List.of(
                        Map.of("podSelector", Map.of("matchLabels", Map.of("istio.io/dataplane-mode", "ambient"))),
                        Map.of(
                                "namespaceSelector",
                                Map.of("matchLabels", Map.of("istio.io/dataplane-mode", "ambient")),
                                "podSelector",
                                Map.of(
                                        "matchExpressions",
                                        List.of(Map.of(
                                                "key",
                                                "istio.io/dataplane-mode",
                                                "operator",
                                                "NotIn",
                                                "values",
                                                List.of("none")))))));
    }

    private static String indentFlow(String yaml) {
        return "\n"
                + yaml.lines().map(l -> "  " + l).reduce((a, b) -> a + "\n" + b).orElse("");
    }

    @Test
    void envAndExcludedNamespacesAndConfFileName() {
        ConfigMap cm = Render.ambient(Chart.CNI)
                .values("excludeNamespaces: [kube-system, istio-system]\ncniConfFileName: 10-calico.conflist\n"
                        + "env: {MY_KEY: v1}\n")
                .call()
                .get(ConfigMap.class, "istio-cni-config");
        assertThat(cm.getData())
                .containsEntry("EXCLUDE_NAMESPACES", "kube-system,istio-system")
                .containsEntry("CNI_CONF_NAME", "10-calico.conflist")
                .containsEntry("MY_KEY", "v1");
    }

    @Test
    void rbac() {
        Manifest m = Render.ambient(Chart.CNI).call();
        List<PolicyRule> base = m.get(ClusterRole.class, "istio-cni").getRules();
        assertThat(verbs(base, "", "pods")).containsExactly("get", "list", "watch");
        assertThat(verbs(base, "", "namespaces")).containsExactly("get", "list", "watch");
        assertThat(verbs(base, "", "nodes")).containsExactly("get", "list", "watch");
        List<PolicyRule> ambient = m.get(ClusterRole.class, "istio-cni-ambient").getRules();
        assertThat(verbs(ambient, "", "pods/status")).containsExactly("patch", "update");
        assertThat(ambient)
                .filteredOn(r -> r.getResources().contains("daemonsets"))
                .singleElement()
                .satisfies(r -> {
                    assertThat(r.getResourceNames()).containsExactly("istio-cni-node");
                    assertThat(r.getVerbs()).containsExactly("get");
                });
        List<PolicyRule> repair =
                m.get(ClusterRole.class, "istio-cni-repair-role").getRules();
        assertThat(verbs(repair, "", "events")).containsExactly("create", "patch");
        assertThat(m.get(ClusterRoleBinding.class, "istio-cni-ambient").getSubjects())
                .singleElement()
                .satisfies(s -> {
                    assertThat(s.getName()).isEqualTo("istio-cni");
                    assertThat(s.getNamespace()).isEqualTo("istio-system");
                });
        assertThat(m.get(ServiceAccount.class, "istio-cni").getMetadata().getLabels())
                .containsEntry("app", "istio-cni")
                .containsEntry("istio.io/rev", "default")
                .containsEntry("operator.istio.io/component", "Cni");
    }

    static Stream<Arguments> platforms() {
        return Stream.of(
                Arguments.of("k3d", "/bin", "/var/lib/rancher/k3s/agent/etc/cni/net.d", "/var/run/netns"),
                Arguments.of(
                        "k3s",
                        "/var/lib/rancher/k3s/data/cni",
                        "/var/lib/rancher/k3s/agent/etc/cni/net.d",
                        "/var/run/netns"),
                Arguments.of(
                        "microk8s",
                        "/var/snap/microk8s/current/opt/cni/bin",
                        "/var/snap/microk8s/current/args/cni-network",
                        "/var/run/netns"),
                Arguments.of("minikube", "/opt/cni/bin", "/etc/cni/net.d", "/var/run/docker/netns"),
                Arguments.of("openshift", "/var/lib/cni/bin", "/etc/cni/multus/net.d", "/var/run/netns"),
                // gke leaves cniBinDir empty: a non-GKE cluster version falls back to /opt/cni/bin
                Arguments.of("gke", "/opt/cni/bin", "/etc/cni/net.d", "/var/run/netns"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("platforms")
    void platformProfilesSetTheHostPaths(String platform, String bin, String conf, String netns) {
        DaemonSet ds = daemonSet(
                Render.ambient(Chart.CNI).set("global.platform", platform).call());
        assertThat(hostPath(ds, "cni-bin-dir")).isEqualTo(bin);
        assertThat(hostPath(ds, "cni-net-dir")).isEqualTo(conf);
        assertThat(hostPath(ds, "cni-netns-dir")).isEqualTo(netns);
    }

    @Test
    void gkeProfileAddsTheQuotaAndAnExplicitBinDirStillWins() {
        // The /home/kubernetes/bin detection reads the live cluster version ("-gke" suffix); Helm's
        // --kube-version drops pre-release suffixes, so offline rendering takes the /opt/cni/bin branch.
        Manifest m = Render.ambient(Chart.CNI).set("global.platform", "gke").call();
        ResourceQuota q = m.get(ResourceQuota.class, "istio-cni-resource-quota");
        assertThat(q.getSpec().getHard()).containsEntry("pods", new Quantity("5000"));
        assertThat(q.getSpec()
                        .getScopeSelector()
                        .getMatchExpressions()
                        .getFirst()
                        .getValues())
                .containsExactly("system-node-critical");
        DaemonSet explicit = daemonSet(Render.ambient(Chart.CNI)
                .set("global.platform", "gke")
                .set("cniBinDir", "/my/bin")
                .call());
        assertThat(hostPath(explicit, "cni-bin-dir")).isEqualTo("/my/bin");
    }

    @Test
    void openshiftProfile() {
        Manifest m =
                Render.ambient(Chart.CNI).set("global.platform", "openshift").call();
        ConfigMap cm = m.get(ConfigMap.class, "istio-cni-config");
        assertThat(cm.getData())
                .containsEntry("CHAINED_CNI_PLUGIN", "false")
                .containsEntry("CNI_CONF_NAME", "istio-cni.conf");
        assertThat(m.names()).contains("NetworkAttachmentDefinition/istio-cni");
        assertThat(m.get(ClusterRole.class, "istio-cni").getRules())
                .anySatisfy(r -> assertThat(r.getResources()).containsExactly("securitycontextconstraints"));
        Container c =
                daemonSet(m).getSpec().getTemplate().getSpec().getContainers().getFirst();
        assertThat(c.getSecurityContext().getSeLinuxOptions().getType()).isEqualTo("spc_t");
    }

    @Test
    void userDirsAndImageOverrides() {
        DaemonSet ds = daemonSet(Render.ambient(Chart.CNI)
                .set("cniBinDir", "/custom/bin")
                .set("cniConfDir", "/custom/net.d")
                .set("cniNetnsDir", "/custom/netns")
                .set("global.hub", "example.org/ambient4j")
                .set("tag", "0.1.0")
                .call());
        assertThat(hostPath(ds, "cni-bin-dir")).isEqualTo("/custom/bin");
        assertThat(hostPath(ds, "cni-net-dir")).isEqualTo("/custom/net.d");
        assertThat(hostPath(ds, "cni-netns-dir")).isEqualTo("/custom/netns");
        assertThat(ds.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .getFirst()
                        .getImage())
                .isEqualTo("example.org/ambient4j/install-cni:0.1.0-distroless");
    }

    @Test
    void sharedHostNetworkNamespace() {
        DaemonSet ds = daemonSet(Render.ambient(Chart.CNI)
                .set("ambient.shareHostNetworkNamespace", "true")
                .call());
        PodSpec spec = ds.getSpec().getTemplate().getSpec();
        assertThat(spec.getHostNetwork()).isTrue();
        assertThat(spec.getDnsPolicy()).isEqualTo("ClusterFirstWithHostNet");
        assertThat(env(spec.getContainers().getFirst().getEnv(), "ALLOW_SWITCH_TO_HOST_NS"))
                .isNull();
    }
}
