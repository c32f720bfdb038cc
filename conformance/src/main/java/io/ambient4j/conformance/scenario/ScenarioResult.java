package io.ambient4j.conformance.scenario;

import java.time.Duration;
import java.util.List;

/** The result of one scenario file: passed, failed (with what failed) or skipped (with why). */
public record ScenarioResult(String file, List<String> cases, Status status, Duration time, String detail) {
    /** Outcome kinds. */
    public enum Status {
        PASSED,
        FAILED,
        SKIPPED
    }

    public ScenarioResult {
        cases = List.copyOf(cases);
    }
}
