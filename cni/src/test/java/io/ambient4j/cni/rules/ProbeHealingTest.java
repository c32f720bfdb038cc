package io.ambient4j.cni.rules;

import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.cni.rules.ProbeHealing.Action;
import io.ambient4j.cni.rules.ProbeHealing.Observed;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The host probe self-healing decision: desired enrolled IPs against what the node shows. */
class ProbeHealingTest {
    private static final InetAddress A = InetAddress.ofLiteral("10.244.0.10");
    private static final InetAddress B = InetAddress.ofLiteral("10.244.0.11");
    private static final InetAddress STALE = InetAddress.ofLiteral("10.244.0.99");

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("all in order", Map.of(A, "a"), new Observed(true, true, Set.of(A)), List.of()),
                Arguments.of(
                        "nothing enrolled, nothing there", Map.of(), new Observed(true, true, Set.of()), List.of()),
                Arguments.of(
                        "set flushed",
                        Map.of(A, "a", B, "b"),
                        new Observed(true, true, Set.of()),
                        List.of(new Action.AddMember(A, "a"), new Action.AddMember(B, "b"))),
                Arguments.of(
                        "set destroyed: recreate, then every member",
                        Map.of(A, "a"),
                        new Observed(false, true, Set.of()),
                        List.of(new Action.EnsureSetAndRules(), new Action.AddMember(A, "a"))),
                Arguments.of(
                        "chain flushed or jump deleted, members intact",
                        Map.of(A, "a"),
                        new Observed(true, false, Set.of(A)),
                        List.of(new Action.EnsureSetAndRules())),
                Arguments.of(
                        "stale entry of a pod no longer enrolled",
                        Map.of(A, "a"),
                        new Observed(true, true, Set.of(A, STALE)),
                        List.of(new Action.RemoveMember(STALE))),
                Arguments.of(
                        "everything at once: rules first, then adds, then removals",
                        Map.of(A, "a", B, "b"),
                        new Observed(true, false, Set.of(B, STALE)),
                        List.of(
                                new Action.EnsureSetAndRules(),
                                new Action.AddMember(A, "a"),
                                new Action.RemoveMember(STALE))),
                Arguments.of(
                        "absent set reports no members to remove",
                        Map.of(),
                        new Observed(false, false, Set.of()),
                        List.of(new Action.EnsureSetAndRules())));
    }

    @ParameterizedTest(name = "C023 {0}")
    @MethodSource("cases")
    void C023_probeStatePlan(String name, Map<InetAddress, String> desired, Observed observed, List<Action> want) {
        assertThat(ProbeHealing.plan(desired, observed)).as(name).containsExactlyElementsOf(want);
    }
}
