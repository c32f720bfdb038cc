package io.ambient4j.istioctl.precheck;

import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.istioctl.precheck.ClusterFacts.NodeFacts;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The precheck judgements as tables: inputs the cluster could show, and the findings they give. */
class ChecksTest {
    @ParameterizedTest
    @CsvSource({"1,31,IST0142", "1,30+,IST0142", "1,32,", "1,33+,", "1,'',AMB0001"})
    void kubernetesVersion(String major, String minor, String code) {
        var f = Checks.kubernetesVersion(major, minor);
        if (code == null) {
            assertThat(f).isEmpty();
        } else {
            assertThat(f).singleElement().extracting(Finding::code).isEqualTo(code);
        }
    }

    @Test
    void gatewayApi() {
        assertThat(Checks.gatewayApi(Map.of())).singleElement().satisfies(f -> {
            assertThat(f.level()).isEqualTo(Finding.Level.Warning);
            assertThat(f.message()).contains("gateways.gateway.networking.k8s.io is missing");
        });
        assertThat(Checks.gatewayApi(Map.of(Checks.GATEWAYS_CRD, Set.of("v1", "v1beta1"))))
                .isEmpty();
        assertThat(Checks.gatewayApi(Map.of(Checks.GATEWAYS_CRD, Set.of("v1beta1"))))
                .singleElement()
                .extracting(Finding::code)
                .isEqualTo("IST0156");
    }

    @Test
    void ciliumConflicts() {
        assertThat(Checks.cilium(null)).isEmpty();
        assertThat(Checks.cilium(Map.of("cni-exclusive", "false", "bpf-lb-sock-hostns-only", "true")))
                .isEmpty();
        assertThat(Checks.cilium(Map.of("cni-exclusive", "true")))
                .singleElement()
                .satisfies(f -> assertThat(f.level()).isEqualTo(Finding.Level.Error));
        assertThat(Checks.cilium(Map.of("kube-proxy-replacement", "true")))
                .singleElement()
                .extracting(Finding::code)
                .isEqualTo("AMB0004");
    }

    @ParameterizedTest
    @CsvSource({
        "gke-node-1,gce://proj/zone/gke-node-1,v1.33.1-gke.100,,gke",
        "k3d-c-server-0,k3s://k3d-c-server-0,v1.33.1+k3s1,,k3d",
        "node1,k3s://node1,v1.33.1+k3s1,,k3s",
        "minikube,,v1.33.1,minikube.k8s.io/name,minikube",
        "kind-control-plane,kind://docker/kind/kind-control-plane,v1.33.1,,"
    })
    void platformFromNode(String name, String provider, String kubelet, String label, String platform) {
        Map<String, String> labels = label == null ? Map.of() : Map.of(label, "x");
        assertThat(Checks.platformOf(new NodeFacts(name, "linux", "6.1.0", kubelet, provider, labels)))
                .isEqualTo(platform);
    }

    @Test
    void kernelModulesAndIptables() {
        Set<String> all = Set.copyOf(Checks.KERNEL_MODULES);
        assertThat(Checks.kernel(all, Set.of(), true)).isEmpty();
        assertThat(Checks.kernel(Set.of("ip_tables"), all, true)).isEmpty();
        assertThat(Checks.kernel(Set.of(), Set.of(), false))
                .extracting(Finding::code)
                .containsExactly("AMB0008", "AMB0009");
        assertThat(Checks.kernel(Set.of(), Set.of(), true).getFirst().message()).contains("xt_REDIRECT");
    }

    @Test
    void windowsNodesAndAnExistingCniAgent() {
        var f = Checks.all(new ClusterFacts(
                "1",
                "33",
                Map.of(Checks.GATEWAYS_CRD, Set.of("v1")),
                null,
                List.of(new NodeFacts("win-1", "windows", "10.0", "v1.33.1", null, Map.of())),
                Set.of("kube-system")));
        assertThat(f).extracting(Finding::code).containsExactly("AMB0005", "AMB0006");
    }
}
