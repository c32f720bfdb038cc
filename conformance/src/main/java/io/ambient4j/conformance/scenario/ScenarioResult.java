package io.ambient4j.conformance.scenario;

import java.time.Duration;
import java.util.List;

/**
 * The result of one scenario file: passed, failed (with what failed), skipped (with why), or partial: every step
 * that ran passed but some were skipped because the cluster cannot carry them out (an external cluster's node-level
 * steps), with which and why. A partial result is not a pass: the summary counts it apart.
 */
public record ScenarioResult(String file, List<String> cases, Status status, Duration time, String detail) {
    /** Outcome kinds. */
    public enum Status {
        PASSED,
        FAILED,
        SKIPPED,
        PARTIAL
    }

    public ScenarioResult {
        cases = List.copyOf(cases);
    }

    /**
     * The result of a scenario that ran (pure): a failure wins (the skipped steps are appended to its detail),
     * otherwise skipped steps make it partial, otherwise it passed.
     */
    public static ScenarioResult of(
            String file, List<String> cases, Duration time, String failure, List<String> skippedSteps) {
        String skips = String.join("; ", skippedSteps);
        if (failure != null) {
            return new ScenarioResult(
                    file, cases, Status.FAILED, time, skips.isEmpty() ? failure : failure + " (also " + skips + ")");
        }
        if (!skippedSteps.isEmpty()) {
            return new ScenarioResult(file, cases, Status.PARTIAL, time, skips);
        }
        return new ScenarioResult(file, cases, Status.PASSED, time, "");
    }
}
