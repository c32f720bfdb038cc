package io.ambient4j.conformance.demo;

import java.util.List;

/**
 * What one step of the story observed: its number and title, whether the observation matched the claim, and a
 * one-line account for the summary table.
 */
public record StepResult(int step, String title, boolean ok, String observed) {
    /** The closing table (pure): one row per step, then the verdict line. */
    public static String summary(List<StepResult> results, int totalSteps) {
        StringBuilder b = new StringBuilder();
        b.append("Summary\n");
        for (StepResult r : results) {
            b.append(String.format(
                    java.util.Locale.ROOT,
                    "  %d. %-4s %-34s %s%n",
                    r.step(),
                    r.ok() ? "ok" : "FAIL",
                    r.title(),
                    r.observed()));
        }
        for (int s = results.size() + 1; s <= totalSteps; s++) {
            b.append(String.format(java.util.Locale.ROOT, "  %d. %-4s %s%n", s, "-", "not run"));
        }
        long failed = results.stream().filter(r -> !r.ok()).count();
        boolean complete = results.size() == totalSteps;
        if (failed == 0 && complete) {
            b.append("demo: every step observed what it claims (")
                    .append(totalSteps)
                    .append('/')
                    .append(totalSteps)
                    .append(")\n");
        } else {
            StepResult first = results.stream().filter(r -> !r.ok()).findFirst().orElse(null);
            b.append("demo: FAILED")
                    .append(
                            first == null
                                    ? " (stopped early)"
                                    : " at step " + first.step() + " (" + first.title() + ")")
                    .append('\n');
        }
        return b.toString();
    }

    /** Exit status for a run (pure): 0 only when every step ran and held. */
    public static boolean allHeld(List<StepResult> results, int totalSteps) {
        return results.size() == totalSteps && results.stream().allMatch(StepResult::ok);
    }
}
