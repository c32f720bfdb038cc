package io.ambient4j.conformance.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StepResultTest {
    private static List<StepResult> upTo(int n) {
        List<StepResult> r = new ArrayList<>();
        for (int i = 1; i <= n; i++) {
            r.add(new StepResult(i, "step " + i, true, "seen " + i));
        }
        return r;
    }

    @Test
    void everyStepHeld() {
        List<StepResult> r = upTo(3);
        assertThat(StepResult.allHeld(r, 3)).isTrue();
        assertThat(StepResult.summary(r, 3))
                .contains("  1. ok   step 1                 seen 1\n")
                .endsWith("demo: every step observed what it claims (3/3)\n");
    }

    @Test
    void aFailedStepIsNamedAndLaterStepsShowAsNotRun() {
        List<StepResult> r = upTo(2);
        r.add(new StepResult(3, "Enrol", false, "did not see every pod annotated within 30 s"));
        r.add(new StepResult(5, "Clean up", true, "nothing left"));
        String s = StepResult.summary(r, 5);
        assertThat(StepResult.allHeld(r, 5)).isFalse();
        assertThat(s).contains("  3. FAIL Enrol                  did not see every pod annotated within 30 s\n");
        assertThat(s).contains("  4. -    not run\n");
        assertThat(s).contains("  5. ok   Clean up");
        assertThat(s).endsWith("demo: FAILED at step 3 (Enrol)\n");
    }

    @Test
    void missingStepsAreNotASuccess() {
        assertThat(StepResult.allHeld(upTo(8), 9)).isFalse();
        assertThat(StepResult.summary(upTo(8), 9))
                .contains("  9. -    not run")
                .endsWith("demo: FAILED (stopped early)\n");
    }

    @Test
    void tenStepsKeepTheColumnsAligned() {
        String s = StepResult.summary(upTo(10), 10);
        assertThat(s)
                .contains("\n   9. ok   ")
                .contains("\n  10. ok   ")
                .endsWith("demo: every step observed what it claims (10/10)\n");
        assertThat(s.lines().filter(l -> l.contains(" ok ")).map(l -> l.indexOf(" ok ")))
                .containsOnly(5);
    }
}
