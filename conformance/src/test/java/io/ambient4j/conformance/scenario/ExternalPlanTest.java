package io.ambient4j.conformance.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The suite's own scenario files in external mode: which steps would be skipped, and that every scenario still has
 * checks that run on a real cluster (so external mode never reduces a scenario to nothing but skips).
 */
class ExternalPlanTest {
    record Plan(String file, int checksRun, int checksSkipped, boolean restSkipped) {}

    static List<Plan> plans() {
        List<Plan> out = new ArrayList<>();
        for (Path f : Suite.files(Path.of("scenarios"))) {
            Scenario s = ScenarioParser.parse(f);
            int run = 0;
            int skipped = 0;
            boolean rest = false;
            for (Scenario.Step step : s.steps()) {
                StepSupport.Decision d = StepSupport.of(step, StepSupport.Mode.EXTERNAL);
                if (d instanceof StepSupport.SkipRest) {
                    rest = true;
                    skipped += (int)
                            s.steps().subList(s.steps().indexOf(step), s.steps().size()).stream()
                                    .filter(x -> x instanceof Scenario.Check)
                                    .count();
                    break;
                }
                if (step instanceof Scenario.Check) {
                    if (d instanceof StepSupport.Run) {
                        run++;
                    } else {
                        skipped++;
                    }
                }
            }
            out.add(new Plan(f.getFileName().toString(), run, skipped, rest));
        }
        return out;
    }

    @Test
    void C062_everySuiteScenarioKeepsChecksThatRunOnARealCluster() {
        List<Plan> plans = plans();
        assertThat(plans).hasSizeGreaterThanOrEqualTo(20);
        plans.forEach(p -> System.out.printf(
                "external plan: %-50s checks run %2d, skipped %2d%s%n",
                p.file(),
                p.checksRun(),
                p.checksSkipped(),
                p.restSkipped() ? " (rest skipped after a component step)" : ""));
        assertThat(plans).allSatisfy(p -> assertThat(p.checksRun()).as(p.file()).isPositive());
    }
}
