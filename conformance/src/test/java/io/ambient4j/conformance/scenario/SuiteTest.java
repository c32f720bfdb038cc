package io.ambient4j.conformance.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.common.net.RequireRoot;
import io.ambient4j.conformance.mesh.MeshConfig;
import io.ambient4j.conformance.mesh.MeshHarness;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The runner on a folder of scenarios it has never seen: one passes, one fails, one is skipped, one is broken. */
class SuiteTest {
    private static final String PODS = """
              - apply: |
                  apiVersion: v1
                  kind: Namespace
                  metadata: {name: NS}
                  ---
                  apiVersion: v1
                  kind: Pod
                  metadata: {name: a, namespace: NS}
                  spec:
                    nodeName: node-1
                    containers: [{name: app, image: echo, ports: [{name: http, containerPort: 8080}, {name: tcp, containerPort: 9000}]}]
                  ---
                  apiVersion: v1
                  kind: Pod
                  metadata: {name: b, namespace: NS}
                  spec:
                    nodeName: node-2
                    containers: [{name: app, image: echo, ports: [{name: http, containerPort: 8080}, {name: tcp, containerPort: 9000}]}]
              - waitFor: {kind: Pod, namespace: NS, name: a}
              - waitFor: {kind: Pod, namespace: NS, name: b}
            """;

    @TempDir
    Path dir;

    @Test
    void C065_unseenFolderRunsWithPassFailSkipAndParseError() throws Exception {
        RequireRoot.check();
        Files.writeString(dir.resolve("a-pass.yaml"), "cases: [C065]\nsteps:\n" + PODS.replace("NS", "sa") + """
                  - check:
                      name: b sees a
                      from: {pod: sa/a}
                      url: http://${podIP:sa/b}:8080/p
                      expect: {status: 200, hostname: b, sourceIp: from, bodyContains: ["URL=/p"]}
                  - check:
                      from: {pod: sa/b}
                      url: tcp://${podIP:sa/a}:9000
                      send: "hello\\n"
                      expect: {echoed: hello}
                """);
        Files.writeString(dir.resolve("b-fail.yaml"), "cases: [C062]\nsteps:\n" + PODS.replace("NS", "sb") + """
                  - check:
                      name: wrong source on purpose
                      from: {pod: sb/a}
                      url: http://${podIP:sb/b}:8080/
                      within: 500ms
                      expect: {status: 200, sourceIp: 10.9.9.9}
                """);
        Files.writeString(dir.resolve("c-skip.yaml"), """
                cases: [C081]
                requires: [ztunnel]
                steps:
                  - check: {rules: {node: node-1, contains: [ISTIO]}}
                """);
        Files.writeString(dir.resolve("d-broken.yaml"), "cases: [C001]\nsteps:\n  - wait: {}\n");

        List<String> lines = new ArrayList<>();
        List<ScenarioResult> results;
        String prefix = "a4s"
                + HexFormat.of()
                        .toHexDigits(ThreadLocalRandom.current().nextInt())
                        .substring(0, 6);
        try (MeshHarness mesh = MeshHarness.start(MeshConfig.defaults(prefix))) {
            results = Suite.run(mesh, Suite.files(dir), lines::add);
            assertThat(mesh.kubelet().realisedPods())
                    .as("scenario objects are cleaned up")
                    .isEmpty();
        }
        assertThat(results)
                .extracting(ScenarioResult::status)
                .containsExactly(
                        ScenarioResult.Status.PASSED,
                        ScenarioResult.Status.FAILED,
                        ScenarioResult.Status.SKIPPED,
                        ScenarioResult.Status.FAILED);
        assertThat(results.get(1).detail()).contains("line 23", "wrong source on purpose", "expected 10.9.9.9");
        assertThat(results.get(2).detail()).contains("ztunnel is not available");
        assertThat(results.get(3).detail()).contains("d-broken.yaml:3:", "unknown field 'wait'");
        assertThat(lines).hasSize(4);
        assertThat(Suite.summary(results)).isEqualTo("conformance: 1 passed, 2 failed, 1 skipped");
        assertThat(Suite.report(results))
                .contains("| C065 | a-pass.yaml | passed |", "| C081 | c-skip.yaml | skipped |");
    }
}
