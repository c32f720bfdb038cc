package io.ambient4j.conformance.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.conformance.scenario.Scenario.Target;
import io.ambient4j.conformance.scenario.StepSupport.Mode;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which steps run where: every one on the local mesh; on an external cluster, nothing that needs a node. */
class StepSupportTest {
    private static final Target POD = new Target(Target.Kind.POD, "ns", "client");
    private static final Target WORKLOAD = new Target(Target.Kind.WORKLOAD, "ns", "client");
    private static final Target NODE = new Target(Target.Kind.NODE, null, "node-2");
    private static final Target OUTSIDE = new Target(Target.Kind.OUTSIDE, null, null);
    private static final Scenario.Expect OK =
            new Scenario.Expect(200, null, null, List.of(), List.of(), null, null, Map.of(), List.of(), null, null);
    private static final Scenario.ObjectRef REF = new Scenario.ObjectRef("v1", "Pod", "ns", "client");

    record Row(String what, Scenario.Step step, Class<?> external) {}

    private static Scenario.Check check(Scenario.Assertion a) {
        return new Scenario.Check(7, "c", a, Duration.ofSeconds(1));
    }

    private static Scenario.Connect connect(Target from) {
        return new Scenario.Connect(from, "http://server/", "GET", Map.of(), null, Duration.ofSeconds(3), 1, OK);
    }

    private static final List<Row> TABLE = List.of(
            new Row("apply", new Scenario.Apply(1, "kind: Namespace"), StepSupport.Run.class),
            new Row("delete", new Scenario.Delete(1, REF), StepSupport.Run.class),
            new Row("label", new Scenario.Label(1, REF, Map.of("a", "b")), StepSupport.Run.class),
            new Row("annotate", new Scenario.Annotate(1, REF, Map.of("a", "b")), StepSupport.Run.class),
            new Row("patch", new Scenario.Patch(1, REF, "{}"), StepSupport.Run.class),
            new Row("waitFor", new Scenario.WaitFor(1, REF, "ready", Duration.ofSeconds(30)), StepSupport.Run.class),
            new Row("component stop", new Scenario.Component(1, "ztunnel-node-2", "stop"), StepSupport.SkipRest.class),
            new Row(
                    "component restart",
                    new Scenario.Component(1, "cni-node-1", "restart"),
                    StepSupport.SkipRest.class),
            new Row("connect from pod", check(connect(POD)), StepSupport.Run.class),
            new Row("connect from workload", check(connect(WORKLOAD)), StepSupport.Run.class),
            new Row("connect from node", check(connect(NODE)), StepSupport.SkipStep.class),
            new Row("connect from outside", check(connect(OUTSIDE)), StepSupport.SkipStep.class),
            new Row("annotation", check(new Scenario.Annotation(WORKLOAD, "k", "v", false)), StepSupport.Run.class),
            new Row(
                    "field",
                    check(new Scenario.Field(REF, List.of("status"), "x", null, false)),
                    StepSupport.Run.class),
            new Row(
                    "rules in a pod",
                    check(new Scenario.Rules(POD, "nat", List.of("x"), List.of())),
                    StepSupport.SkipStep.class),
            new Row(
                    "rules on a node",
                    check(new Scenario.Rules(NODE, "nat", List.of("x"), List.of())),
                    StepSupport.SkipStep.class),
            new Row(
                    "ztunnel metrics on a node",
                    check(new Scenario.Metric(NODE, "http://127.0.0.1:15020/metrics", "m", Map.of(), ">0")),
                    StepSupport.Run.class),
            new Row(
                    "ztunnel admin on a node (localhost)",
                    check(new Scenario.Metric(NODE, "http://localhost:15000/config_dump", "m", Map.of(), ">0")),
                    StepSupport.Run.class),
            new Row(
                    "another address from a node",
                    check(new Scenario.Metric(NODE, "http://10.96.0.10:9153/metrics", "m", Map.of(), ">0")),
                    StepSupport.SkipStep.class),
            new Row(
                    "metrics from a pod",
                    check(new Scenario.Metric(POD, "http://server:15020/metrics", "m", Map.of(), ">0")),
                    StepSupport.Run.class),
            new Row(
                    "ztunnel log of a node (pods/log)",
                    check(new Scenario.Log("ztunnel", "node-1", List.of("x"), List.of())),
                    StepSupport.Run.class),
            new Row(
                    "istiod log",
                    check(new Scenario.Log("istiod", null, List.of(), List.of("x"))),
                    StepSupport.Run.class),
            new Row(
                    "metrics from outside",
                    check(new Scenario.Metric(OUTSIDE, "http://127.0.0.1:15020/metrics", "m", Map.of(), ">0")),
                    StepSupport.SkipStep.class));

    @Test
    void C062_everyStepRunsOnTheLocalMesh() {
        for (Row r : TABLE) {
            assertThat(StepSupport.of(r.step(), Mode.LOCAL)).as(r.what()).isInstanceOf(StepSupport.Run.class);
        }
    }

    @Test
    void C062_externalClusterSkipsWhatNeedsANodeAndSaysWhy() {
        for (Row r : TABLE) {
            StepSupport.Decision d = StepSupport.of(r.step(), Mode.EXTERNAL);
            assertThat(d).as(r.what()).isInstanceOf(r.external());
            String reason = switch (d) {
                case StepSupport.SkipStep(String why) -> why;
                case StepSupport.SkipRest(String why) -> why;
                case StepSupport.Run run -> null;
            };
            if (reason != null) {
                assertThat(reason).as(r.what()).startsWith("needs node access: ");
            }
        }
    }
}
