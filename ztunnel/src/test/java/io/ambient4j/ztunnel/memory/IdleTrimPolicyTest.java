package io.ambient4j.ztunnel.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The idle trim decision as a table: each row is a sequence of observations and the ticks at which it trims. */
class IdleTrimPolicyTest {
    private static final long S = 1_000_000_000L;
    private static final IdleTrimPolicy POLICY = new IdleTrimPolicy(Duration.ofSeconds(3), Duration.ofSeconds(60));

    /** One observation: seconds since start, open connections, connection events so far. */
    record Obs(long second, long open, long events) {}

    record Row(String name, List<Obs> observations, List<Long> trimsAt) {}

    private static Obs at(long second, long open, long events) {
        return new Obs(second, open, events);
    }

    @Test
    void trimsOnlyWhenIdleLongEnoughAfterActivityAndSpaced() {
        List<Row> table = List.of(
                new Row(
                        "fresh node: once, 3 s after start",
                        List.of(at(1, 0, 0), at(2, 0, 0), at(3, 0, 0), at(4, 0, 0)),
                        List.of(3L)),
                new Row(
                        "fresh node, quiet: never twice",
                        List.of(at(3, 0, 0), at(70, 0, 0), at(200, 0, 0)),
                        List.of(3L)),
                new Row("open connection: never", List.of(at(3, 1, 1), at(10, 1, 1), at(100, 1, 1)), List.of()),
                new Row(
                        "burst, then quiet: 3 s after the last event",
                        List.of(at(3, 0, 0), at(70, 5, 5), at(71, 0, 10), at(73, 0, 10), at(74, 0, 10)),
                        List.of(3L, 74L)),
                new Row(
                        "connections closed at once: quiet counts from the close, not the open",
                        List.of(at(3, 0, 0), at(70, 2, 2), at(80, 2, 2), at(81, 0, 4), at(83, 0, 4), at(84, 0, 4)),
                        List.of(3L, 84L)),
                new Row(
                        "a short connection between two ticks still counts as activity",
                        List.of(at(3, 0, 0), at(70, 0, 2), at(72, 0, 2), at(73, 0, 2)),
                        List.of(3L, 73L)),
                new Row(
                        "periodic traffic: at most once a minute",
                        List.of(
                                at(3, 0, 0),
                                at(5, 0, 2),
                                at(9, 0, 2),
                                at(20, 0, 4),
                                at(30, 0, 4),
                                at(63, 0, 4),
                                at(64, 0, 4)),
                        List.of(3L, 63L)),
                new Row(
                        "refused connections count as activity too (no open count)",
                        List.of(at(3, 0, 0), at(70, 0, 1), at(72, 0, 1), at(73, 0, 1)),
                        List.of(3L, 73L)),
                new Row(
                        "zero quiet time: the first quiet tick",
                        List.of(at(1, 1, 1), at(2, 0, 2), at(3, 0, 2)),
                        List.of(3L)));
        for (Row row : table) {
            IdleTrimPolicy.State s = IdleTrimPolicy.State.start(0, 0);
            List<Long> trims = new java.util.ArrayList<>();
            IdleTrimPolicy policy =
                    row.name().startsWith("zero") ? new IdleTrimPolicy(Duration.ZERO, Duration.ofSeconds(60)) : POLICY;
            for (Obs o : row.observations()) {
                IdleTrimPolicy.Step step = policy.observe(s, o.second() * S, o.open(), o.events());
                s = step.state();
                if (step.trim()) {
                    trims.add(o.second());
                }
            }
            assertThat(trims).as(row.name()).isEqualTo(row.trimsAt());
        }
    }

    @Test
    void negativeDurationsAreRejected() {
        assertThatThrownBy(() -> new IdleTrimPolicy(Duration.ofSeconds(-1), Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("must not be negative");
    }
}
