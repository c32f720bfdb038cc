package io.ambient4j.conformance.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a scenario's run comes to: a failure wins, skipped steps make it partial (never passed), else passed. */
class ScenarioResultTest {
    record Row(String failure, List<String> skipped, ScenarioResult.Status status, String detail) {}

    @Test
    void C062_resultMapping() {
        List<Row> table = List.of(
                new Row(null, List.of(), ScenarioResult.Status.PASSED, ""),
                new Row("line 9: boom", List.of(), ScenarioResult.Status.FAILED, "line 9: boom"),
                new Row(
                        null,
                        List.of("line 3 rules: skipped (x)"),
                        ScenarioResult.Status.PARTIAL,
                        "line 3 rules: skipped (x)"),
                new Row(
                        null,
                        List.of("a: skipped (x)", "b: skipped (y)"),
                        ScenarioResult.Status.PARTIAL,
                        "a: skipped (x); b: skipped (y)"),
                new Row(
                        "line 9: boom",
                        List.of("a: skipped (x)"),
                        ScenarioResult.Status.FAILED,
                        "line 9: boom (also a: skipped (x))"));
        for (Row r : table) {
            ScenarioResult got = ScenarioResult.of("f.yaml", List.of("C062"), Duration.ZERO, r.failure(), r.skipped());
            assertThat(got.status()).as(r.toString()).isEqualTo(r.status());
            assertThat(got.detail()).as(r.toString()).isEqualTo(r.detail());
        }
    }

    @Test
    void C062_summaryCountsPartialApart() {
        ScenarioResult pass = ScenarioResult.of("a", List.of(), Duration.ZERO, null, List.of());
        ScenarioResult partial = ScenarioResult.of("b", List.of(), Duration.ZERO, null, List.of("x"));
        ScenarioResult skipped = new ScenarioResult("c", List.of(), ScenarioResult.Status.SKIPPED, Duration.ZERO, "no");
        assertThat(Suite.summary(List.of(pass, pass))).isEqualTo("conformance: 2 passed, 0 failed");
        assertThat(Suite.summary(List.of(pass, partial, skipped)))
                .isEqualTo("conformance: 1 passed, 0 failed, 1 partial, 1 skipped");
        assertThat(Suite.report(List.of(partial))).contains("| b | partial |");
    }

    @Test
    void C062_workloadPodsAreThoseOfTheDeploymentsReplicaSets() {
        assertThat(ScenarioRunner.replicaSetOf("server", "server-6c9fzh5tqk")).isTrue();
        assertThat(ScenarioRunner.replicaSetOf("server", "server-5d8b7f9c6"))
                .as("9-char hash")
                .isTrue();
        assertThat(ScenarioRunner.replicaSetOf("server", "server-v2-6c9fzh5tqk"))
                .isFalse();
        assertThat(ScenarioRunner.replicaSetOf("server", "server-")).isFalse();
        assertThat(ScenarioRunner.replicaSetOf("server", "client-6c9fzh5tqk")).isFalse();
    }
}
