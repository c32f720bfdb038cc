package io.ambient4j.conformance.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ambient4j.conformance.scenario.ExternalClusterException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The local mesh unless a kubeconfig names a cluster; then the echo image is required. */
class RunTargetTest {
    private static final String ECHO = "localhost/ambient4j/echo:t";

    @Test
    void C062_targetFromArgumentsAndEnvironment() {
        assertThat(RunTarget.parse(List.of(), Map.of())).isEqualTo(new RunTarget.Local());
        assertThat(RunTarget.parse(List.of(), Map.of("KUBECONFIG", ""))).isEqualTo(new RunTarget.Local());
        assertThat(RunTarget.parse(List.of("--kubeconfig", "/k", "--image", "echo=" + ECHO), Map.of()))
                .isEqualTo(new RunTarget.External(Path.of("/k"), ECHO, Map.of("echo", ECHO)));
        assertThat(RunTarget.parse(List.of("--kubeconfig=/k", "--image=echo=" + ECHO), Map.of("KUBECONFIG", "/other")))
                .isEqualTo(new RunTarget.External(Path.of("/k"), ECHO, Map.of("echo", ECHO)));
        assertThat(RunTarget.parse(List.of(), Map.of("KUBECONFIG", "/env", "ECHO_IMAGE", ECHO)))
                .isEqualTo(new RunTarget.External(Path.of("/env"), ECHO, Map.of("echo", ECHO)));
        assertThat(RunTarget.parse(
                        List.of("--image", "waypoint=w:1", "--image", "echo=" + ECHO), Map.of("KUBECONFIG", "/env")))
                .isEqualTo(new RunTarget.External(Path.of("/env"), ECHO, Map.of("echo", ECHO, "waypoint", "w:1")));
    }

    @Test
    void C062_incompleteArgumentsSayWhatIsMissing() {
        record Bad(List<String> args, Map<String, String> env, String message) {}
        List<Bad> table = List.of(
                new Bad(List.of("--kubeconfig", "/k"), Map.of(), "needs the echo image"),
                new Bad(List.of(), Map.of("KUBECONFIG", "/env"), "needs the echo image"),
                new Bad(List.of("--image", "echo=" + ECHO), Map.of(), "give --kubeconfig too"),
                new Bad(List.of("--image", "echo"), Map.of(), "<name>=<image reference>"),
                new Bad(List.of("--kubeconfig"), Map.of(), "--kubeconfig needs a value"),
                new Bad(List.of("--verbose"), Map.of(), "unknown argument '--verbose'"),
                new Bad(List.of(), Map.of("KUBECONFIG", "/a:/b", "ECHO_IMAGE", ECHO), "several files"));
        for (Bad b : table) {
            assertThatThrownBy(() -> RunTarget.parse(b.args(), b.env()))
                    .as(b.toString())
                    .isInstanceOfSatisfying(
                            ExternalClusterException.class,
                            e -> assertThat(e.reason()).isEqualTo(ExternalClusterException.Reason.USAGE))
                    .hasMessageContaining(b.message());
        }
    }
}
