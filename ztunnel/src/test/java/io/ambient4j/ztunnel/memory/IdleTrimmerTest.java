package io.ambient4j.ztunnel.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.ambient4j.ztunnel.metrics.ConnectionTelemetry.Activity;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The trimmer's loop on the real clock ({@code ConnectionTelemetryTest} covers where the activity comes from). */
class IdleTrimmerTest {
    private static final IdleTrimPolicy FAST = new IdleTrimPolicy(Duration.ofMillis(100), Duration.ZERO);

    @Test
    void trimsOnceAfterStartThenOnlyAfterConnectionsComeAndGo() throws Exception {
        AtomicReference<Activity> activity = new AtomicReference<>(new Activity(0, 0));
        AtomicInteger trims = new AtomicInteger();
        try (IdleTrimmer t = new IdleTrimmer(FAST, activity::get, trims::incrementAndGet, Duration.ofMillis(20))) {
            t.startLoop();
            await().atMost(Duration.ofSeconds(10)).until(() -> trims.get() == 1);

            activity.set(new Activity(1, 1)); // a connection opens
            // an open connection holds the trim off however long it stays
            await().pollDelay(Duration.ofMillis(400))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> true);
            assertThat(trims.get()).isEqualTo(1);

            activity.set(new Activity(0, 2)); // and completes
            await().atMost(Duration.ofSeconds(10)).until(() -> trims.get() == 2);
            // quiet again, with nothing new to give back: no further trims
            await().pollDelay(Duration.ofMillis(400))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> true);
            assertThat(trims.get()).isEqualTo(2);
        }
    }

    @Test
    void realTrimRunsAFullCollection() {
        // the production action on this JVM: must not throw, and the heap is still there afterwards
        IdleTrimmer.collect();
        assertThat(Runtime.getRuntime().totalMemory()).isPositive();
    }
}
