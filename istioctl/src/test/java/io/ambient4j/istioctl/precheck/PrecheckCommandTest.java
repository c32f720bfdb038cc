package io.ambient4j.istioctl.precheck;

import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.istioctl.Run;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.VersionInfo;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import org.junit.jupiter.api.Test;

/** {@code istioctl x precheck} reading a (mock) cluster: what it finds, and its exit code. */
@EnableKubernetesMockClient(crud = true)
class PrecheckCommandTest {
    KubernetesMockServer server;
    KubernetesClient client;

    private void version(String minor) {
        server.setVersionInfo(new VersionInfo.Builder()
                .withMajor("1")
                .withMinor(minor)
                .withGitVersion("v1." + minor + ".0")
                .build());
    }

    private void gatewayCrd() {
        client.apiextensions()
                .v1()
                .customResourceDefinitions()
                .resource(new CustomResourceDefinitionBuilder()
                        .withNewMetadata()
                        .withName("gateways.gateway.networking.k8s.io")
                        .endMetadata()
                        .withNewSpec()
                        .withGroup("gateway.networking.k8s.io")
                        .withNewNames()
                        .withKind("Gateway")
                        .withPlural("gateways")
                        .endNames()
                        .withScope("Namespaced")
                        .addNewVersion()
                        .withName("v1")
                        .withServed(true)
                        .withStorage(true)
                        .endVersion()
                        .endSpec()
                        .build())
                .create();
    }

    @Test
    void cleanClusterPasses() {
        version("33");
        gatewayCrd();
        client.nodes()
                .resource(new NodeBuilder()
                        .withNewMetadata()
                        .withName("kind-control-plane")
                        .endMetadata()
                        .withNewStatus()
                        .withNewNodeInfo()
                        .withOperatingSystem("linux")
                        .withKernelVersion("6.1.0")
                        .withKubeletVersion("v1.33.1")
                        .endNodeInfo()
                        .endStatus()
                        .build())
                .create();
        Run run = Run.of(server::createClient, "x", "precheck");
        assertThat(run.code()).as(run.toString()).isZero();
        assertThat(run.out())
                .isEqualTo("✔ No issues found when checking the cluster. Istio is safe to install or upgrade!\n");
    }

    @Test
    void oldKubernetesCiliumExclusiveAndNoGatewayApiAreReported() {
        version("30");
        client.configMaps()
                .inNamespace("kube-system")
                .resource(new ConfigMapBuilder()
                        .withNewMetadata()
                        .withName("cilium-config")
                        .endMetadata()
                        .addToData("cni-exclusive", "true")
                        .build())
                .create();
        Run run = Run.of(server::createClient, "x", "precheck");
        assertThat(run.code()).isEqualTo(1);
        assertThat(run.out())
                .contains(
                        "Error [IST0142] (cluster) The Kubernetes Version \"1.30\" is lower than the minimum version: 1.32")
                .contains("Warning [AMB0002] (cluster) The Kubernetes Gateway API CRDs are not installed")
                .contains("Error [AMB0003] (cluster) Cilium owns the node's CNI configuration exclusively");
        assertThat(run.err())
                .isEqualTo(
                        "Error: Issues found when checking the cluster. Istio may not be safe to install or upgrade.\n");
    }
}
