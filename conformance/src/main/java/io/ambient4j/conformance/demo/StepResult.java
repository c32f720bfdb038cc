package io.ambient4j.conformance.demo;

import java.util.List;

/**
 * What one step of the story observed: its number and title, whether the observation matched the claim, and a
 * one-line account for the summary table.
 */
public record StepResult(int step, String title, boolean ok, String observed) {
    /** The closing table (pure): one row per step (a step without a result did not run), then the verdict. */
    public static String summary(List<StepResult> results, int totalSteps) {
        StringBuilder b = new StringBuilder("Summary\n");
        // step numbers right-aligned, so a story of ten or more steps keeps its columns
        String number = "  %" + Integer.toString(totalSteps).length() + "d. ";
        for (int s = 1; s <= totalSteps; s++) {
            int step = s;
            StepResult r =
                    results.stream().filter(x -> x.step() == step).findFirst().orElse(null);
            b.append(
                    r == null
                            ? String.format(java.util.Locale.ROOT, number + "%-4s %s%n", s, "-", "not run")
                            : String.format(
                                    java.util.Locale.ROOT,
                                    number + "%-4s %-22s %s%n",
                                    s,
                                    r.ok() ? "ok" : "FAIL",
                                    r.title(),
                                    r.observed()));
        }
        if (allHeld(results, totalSteps)) {
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
        for (int s = 1; s <= totalSteps; s++) {
            int step = s;
            if (results.stream().noneMatch(r -> r.step() == step && r.ok())) {
                return false;
            }
        }
        return results.stream().allMatch(StepResult::ok);
    }
}
