package io.ambient4j.conformance.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.conformance.mesh.ApiServer;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code Conformance --kubeconfig <file> --image echo=<ref>} as a process, against an API server reached only through
 * a kubeconfig (fabric8's CRUD mock served over HTTP, standing in for a cluster): the command line selects the
 * external mode, the scenario's objects land in that API and are gone afterwards, the node-level step is reported,
 * the summary counts the scenario as partial, the report is written, and the exit code is 0. Without the echo
 * image it exits 2 saying so.
 */
class ConformanceExternalCliTest {
    @TempDir
    Path dir;

    @Test
    void C062_externalModeFromTheCommandLine() throws Exception {
        try (ApiServer api = ApiServer.embedded(dir);
                KubernetesClient client = api.newClient()) {
            client.resource(new NodeBuilder()
                            .withNewMetadata()
                            .withName("worker-a")
                            .endMetadata()
                            .build())
                    .create();
            client.resource(new DeploymentBuilder()
                            .withNewMetadata()
                            .withName("istiod")
                            .withNamespace("istio-system")
                            .endMetadata()
                            .withNewStatus()
                            .withReadyReplicas(1)
                            .endStatus()
                            .build())
                    .create();
            for (String ds : List.of("ztunnel", "istio-cni-node")) {
                client.resource(new DaemonSetBuilder()
                                .withNewMetadata()
                                .withName(ds)
                                .withNamespace("istio-system")
                                .endMetadata()
                                .withNewStatus()
                                .withDesiredNumberScheduled(1)
                                .withNumberReady(1)
                                .endStatus()
                                .build())
                        .create();
            }
            Path scenarios = Files.createDirectories(dir.resolve("scenarios"));
            Files.writeString(scenarios.resolve("C058-cli.yaml"), """
                    cases: [C058]
                    requires: [istiod, ztunnel, cni]
                    steps:
                      - apply: |
                          apiVersion: v1
                          kind: ConfigMap
                          metadata: {name: marker, namespace: ext-cli}
                          data: {k: v}
                      - check:
                          name: the object is in the cluster
                          field: {kind: ConfigMap, namespace: ext-cli, name: marker, path: [data, k], value: v}
                      - check:
                          name: rules on the node
                          rules: {node: node-1, table: nat, contains: ["ISTIO"]}
                    """);
            Path report = dir.resolve("report.md");
            Run r = conformance(
                    List.of("--kubeconfig", api.kubeconfig().toString(), "--image", "echo=localhost/ambient4j/echo:t"),
                    scenarios,
                    report);
            assertThat(r.exit()).as(r.out()).isZero();
            assertThat(r.out())
                    .contains("external mode: echo image localhost/ambient4j/echo:t")
                    .contains("PARTIAL")
                    .contains("check 'rules on the node': skipped (needs node access")
                    .contains("conformance: 0 passed, 0 failed, 1 partial");
            assertThat(Files.readString(report)).contains("| C058 | C058-cli.yaml | partial |");
            assertThat(client.configMaps()
                            .inNamespace("ext-cli")
                            .withName("marker")
                            .get())
                    .isNull();
            assertThat(client.namespaces().withName("ext-cli").get()).isNull();

            Run noImage = conformance(List.of("--kubeconfig", api.kubeconfig().toString()), scenarios, report);
            assertThat(noImage.exit()).isEqualTo(2);
            assertThat(noImage.out()).contains("needs the echo image: --image echo=<hub>/echo:<tag>");
        }
    }

    record Run(int exit, String out) {}

    private static Run conformance(List<String> args, Path scenarios, Path report)
            throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                Conformance.class.getName()));
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("KUBECONFIG");
        pb.environment().put("SCENARIOS", scenarios.toString());
        pb.environment().put("REPORT", report.toString());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(out).isTrue();
        return new Run(p.exitValue(), out);
    }
}
