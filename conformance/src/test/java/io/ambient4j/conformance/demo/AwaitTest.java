package io.ambient4j.conformance.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {
    @Test
    void aClaimThatNeverHoldsFailsTheStepItBelongsTo() {
        AtomicInteger tries = new AtomicInteger();
        assertThatThrownBy(
                        () -> Await.await(6, "an inbound entry in node-2's ztunnel log", Duration.ofMillis(300), () -> {
                            tries.incrementAndGet();
                            return Optional.empty();
                        }))
                .isInstanceOfSatisfying(DemoException.class, e -> {
                    assertThat(e.step()).isEqualTo(6);
                    assertThat(e.reason()).isEqualTo(DemoException.Reason.OBSERVATION);
                    assertThat(e.reason().exitCode()).isEqualTo(1);
                    assertThat(e.getMessage())
                            .isEqualTo("did not see an inbound entry in node-2's ztunnel log within 0 s");
                });
        assertThat(tries.get()).isGreaterThan(1);
    }

    @Test
    void theLastErrorIsReportedAndAValueEndsTheWait() {
        assertThatThrownBy(() -> Await.await(4, "HTTP 200", Duration.ofMillis(250), () -> {
                    throw new IllegalStateException("no ready pod of demo/server");
                }))
                .hasMessageEndingWith("(last error: no ready pod of demo/server)");
        AtomicInteger n = new AtomicInteger();
        assertThat(Await.await(
                        4,
                        "x",
                        Duration.ofSeconds(5),
                        () -> n.incrementAndGet() < 3 ? Optional.empty() : Optional.of("ok")))
                .isEqualTo("ok");
    }

    @Test
    void aDemoExceptionStopsTheWaitAtOnce() {
        AtomicInteger tries = new AtomicInteger();
        assertThatThrownBy(() -> Await.await(7, "x", Duration.ofSeconds(30), () -> {
                    tries.incrementAndGet();
                    throw new DemoException(DemoException.Reason.OBSERVATION, 7, "metrics unreachable");
                }))
                .hasMessage("metrics unreachable");
        assertThat(tries.get()).isEqualTo(1);
    }
}
