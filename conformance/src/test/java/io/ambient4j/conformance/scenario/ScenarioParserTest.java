package io.ambient4j.conformance.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ScenarioParserTest {
    private static final String GOOD = """
            cases: [C065]
            description: two pods
            steps:
              - apply: |
                  apiVersion: v1
                  kind: Pod
                  metadata: {name: a, namespace: x}
              - label: {kind: Namespace, name: x, labels: {istio.io/dataplane-mode: ambient, gone: null}}
              - waitFor: {kind: Pod, namespace: x, name: a, timeout: 5s}
              - check:
                  name: call
                  from: {pod: x/a}
                  url: http://b.x:80/
                  headers: {X-A: "1"}
                  expect: {status: 200, sourceIp: from, l7: false}
              - check:
                  annotation: {workload: x/d, key: k, absent: true}
              - check:
                  rules: {node: node-1, contains: ["-j DNAT"]}
              - check:
                  metric: {from: outside, url: "http://10.0.0.1:15020/metrics", name: m, labels: {a: b}, value: ">=2"}
              - check:
                  field: {kind: ConfigMap, namespace: x, name: c, path: [data, root-cert.pem, {type: Ready}, 0], contains: BEGIN}
            """;

    @Test
    void aCompleteScenarioParses() {
        Scenario s = ScenarioParser.parse("good.yaml", GOOD);
        assertThat(s.cases()).containsExactly("C065");
        assertThat(s.steps()).hasSize(8);
        assertThat(s.checkCount()).isEqualTo(5);
        Scenario.Field field = (Scenario.Field) ((Scenario.Check) s.steps().get(7)).assertion();
        assertThat(field.path()).containsExactly("data", "root-cert.pem", Map.of("type", "Ready"), 0);
        assertThat(field.ref().apiVersion()).isEqualTo("v1");
        assertThat(s.steps().get(0).line()).isEqualTo(4);
        Scenario.Label label = (Scenario.Label) s.steps().get(1);
        assertThat(label.ref().apiVersion()).isEqualTo("v1");
        assertThat(label.labels())
                .containsEntry("istio.io/dataplane-mode", "ambient")
                .containsEntry("gone", null);
        Scenario.Check call = (Scenario.Check) s.steps().get(3);
        assertThat(call.line()).isEqualTo(10);
        Scenario.Connect c = (Scenario.Connect) call.assertion();
        assertThat(c.from()).isEqualTo(new Scenario.Target(Scenario.Target.Kind.POD, "x", "a"));
        assertThat(c.expect().status()).isEqualTo(200);
        assertThat(c.expect().l7()).isFalse();
        assertThat(((Scenario.Check) s.steps().get(4)).assertion()).isInstanceOf(Scenario.Annotation.class);
    }

    static Stream<Arguments> badFiles() {
        return Stream.of(
                Arguments.of(
                        "cases: [C065]\nsteps:\n  - apply: |\n      apiVersion: v1\n      kind: Pod\n      metadata: {name: a}\n",
                        2,
                        ScenarioException.Reason.NO_CHECKS,
                        "a scenario must assert something"),
                Arguments.of("cases: [C065]\nsteps: [\n", 3, ScenarioException.Reason.SYNTAX, "not valid YAML"),
                Arguments.of(
                        "steps: []\n", 1, ScenarioException.Reason.MISSING_FIELD, "missing required field 'cases'"),
                Arguments.of(
                        "cases: [65]\nsteps: []\n", 1, ScenarioException.Reason.BAD_VALUE, "is not a catalogue id"),
                Arguments.of(
                        "cases: [C001]\ncolour: red\nsteps: []\n",
                        2,
                        ScenarioException.Reason.UNKNOWN_FIELD,
                        "unknown field 'colour' in scenario"),
                Arguments.of(
                        "cases: [C001]\nrequires: [zt]\nsteps: []\n",
                        2,
                        ScenarioException.Reason.BAD_VALUE,
                        "unknown component 'zt'"),
                Arguments.of(
                        "cases: [C001]\nsteps:\n  - check:\n      from: outside\n      url: ftp://x/\n      expect: {status: 200}\n",
                        5,
                        ScenarioException.Reason.BAD_VALUE,
                        "url must start with"),
                Arguments.of(
                        "cases: [C001]\nsteps:\n  - check:\n      from: outside\n      url: http://x/\n      expect: {}\n",
                        6,
                        ScenarioException.Reason.NO_CHECKS,
                        "empty expect"),
                Arguments.of(
                        "cases: [C001]\nsteps:\n  - check:\n      from: outside\n      url: tcp://x:1\n      expect:\n        status: 200\n",
                        7,
                        ScenarioException.Reason.BAD_VALUE,
                        "'status' needs an http://, https://, h2c:// or grpc:// url"),
                Arguments.of(
                        "cases: [C001]\nsteps:\n  - check:\n      from: {pod: nons}\n      url: http://x/\n      expect: {status: 200}\n",
                        4,
                        ScenarioException.Reason.BAD_VALUE,
                        "pod must be <namespace>/<name>"),
                Arguments.of(
                        "cases: [C001]\nsteps:\n  - component: {name: cni-node-1, action: pause}\n  - check: {rules: {node: n, contains: [x]}}\n",
                        3,
                        ScenarioException.Reason.BAD_VALUE,
                        "action must be stop, start or restart"),
                Arguments.of(
                        "cases: [C001]\nsteps:\n  - component: {action: stop}\n  - check: {rules: {node: n, contains: [x]}}\n",
                        3,
                        ScenarioException.Reason.MISSING_FIELD,
                        "'name'"),
                Arguments.of(
                        "cases: [C001]\nsteps:\n  - waitFor: {kind: Pod, name: a, timeout: soon}\n  - check: {rules: {node: n, contains: [x]}}\n",
                        3,
                        ScenarioException.Reason.BAD_VALUE,
                        "'soon' is not a duration"),
                Arguments.of(
                        "cases: [C001]\nsteps:\n  - delete: {kind: Widget, name: a}\n  - check: {rules: {node: n, contains: [x]}}\n",
                        3,
                        ScenarioException.Reason.MISSING_FIELD,
                        "kind 'Widget' is not well known"),
                Arguments.of(
                        "cases: [C001]\nsteps:\n  - apply: |\n      kind: Pod\n      metadata: {namespace: x}\n  - check: {rules: {node: n, contains: [x]}}\n",
                        3,
                        ScenarioException.Reason.BAD_VALUE,
                        "manifest"),
                Arguments.of(
                        "cases: [C001]\nsteps:\n  - apply: {}\n    delete: {}\n",
                        3,
                        ScenarioException.Reason.BAD_VALUE,
                        "a step has exactly one of"),
                Arguments.of(
                        "cases: [C001]\nsteps:\n  - check:\n      metric: {from: outside, url: u, name: m, value: lots}\n",
                        4,
                        ScenarioException.Reason.BAD_VALUE,
                        "value test 'lots'"),
                Arguments.of(
                        "cases: [C058]\nsteps:\n  - check:\n      field: {kind: ConfigMap, name: c, path: [data], value: a, absent: true}\n",
                        4,
                        ScenarioException.Reason.MISSING_FIELD,
                        "exactly one of value, contains, absent"),
                Arguments.of(
                        "cases: [C058]\nsteps:\n  - check:\n      field: {kind: ConfigMap, name: c, path: data, value: a}\n",
                        4,
                        ScenarioException.Reason.BAD_VALUE,
                        "path must be a non-empty list"),
                Arguments.of(
                        "cases: [C126]\nsteps:\n  - check:\n      log: {component: envoy, node: node-1, contains: [x]}\n",
                        4,
                        ScenarioException.Reason.BAD_VALUE,
                        "log component must be istiod, ztunnel or cni, not 'envoy'"),
                Arguments.of(
                        "cases: [C126]\nsteps:\n  - check:\n      log: {component: ztunnel, contains: [x]}\n",
                        4,
                        ScenarioException.Reason.MISSING_FIELD,
                        "needs the 'node' it runs on"),
                Arguments.of(
                        "cases: [C126]\nsteps:\n  - check:\n      log: {component: istiod, node: node-1, contains: [x]}\n",
                        4,
                        ScenarioException.Reason.BAD_VALUE,
                        "takes no 'node'"),
                Arguments.of(
                        "cases: [C126]\nsteps:\n  - check:\n      log: {component: cni, node: node-1}\n",
                        4,
                        ScenarioException.Reason.MISSING_FIELD,
                        "log check needs 'contains' or 'absent'"));
    }

    @Test
    void C126_logChecksParse() {
        Scenario s = ScenarioParser.parse("log.yaml", """
                cases: [C126]
                steps:
                  - check:
                      log: {component: ztunnel, node: node-2, contains: ['src.identity="spiffe://x"'], absent: [panic]}
                  - check:
                      log: {component: istiod, absent: [ERROR]}
                """);
        Scenario.Log z = (Scenario.Log) ((Scenario.Check) s.steps().get(0)).assertion();
        assertThat(z)
                .isEqualTo(new Scenario.Log(
                        "ztunnel", "node-2", List.of("src.identity=\"spiffe://x\""), List.of("panic")));
        assertThat(z.instance()).isEqualTo("ztunnel-node-2");
        Scenario.Log i = (Scenario.Log) ((Scenario.Check) s.steps().get(1)).assertion();
        assertThat(i.instance()).isEqualTo("istiod");
        assertThat(Verdicts.log("ztunnel-node-2", "a src.identity=\"spiffe://x\" b", z.contains(), z.absent()))
                .isEmpty();
        assertThat(Verdicts.log("ztunnel-node-2", "panic", z.contains(), z.absent()))
                .containsExactly(
                        "the log of ztunnel-node-2 lacks 'src.identity=\"spiffe://x\"'",
                        "the log of ztunnel-node-2 contains 'panic' that must be absent");
    }

    @ParameterizedTest
    @MethodSource("badFiles")
    void badFilesNameFileLineAndProblem(String text, int line, ScenarioException.Reason reason, String problem) {
        ScenarioException e =
                catchThrowableOfType(ScenarioException.class, () -> ScenarioParser.parse("s/bad.yaml", text));
        assertThat(e).as("no error for:\n" + text).isNotNull();
        assertThat(e.getMessage()).startsWith("s/bad.yaml:" + line + ": ").contains(problem);
        assertThat(e.line()).isEqualTo(line);
        assertThat(e.reason()).isEqualTo(reason);
    }

    @Test
    void everyBuiltInScenarioParsesAndAssertsSomething() throws Exception {
        // The default suite and the scenarios that do not pass yet (scenarios-pending/, when there are any) must parse.
        List<Path> list = new ArrayList<>();
        for (String dir : List.of("scenarios", "scenarios-pending")) {
            if (!Files.isDirectory(Path.of(dir))) {
                continue;
            }
            try (Stream<Path> files = Files.list(Path.of(dir))) {
                list.addAll(files.toList());
            }
        }
        assertThat(list).hasSizeGreaterThanOrEqualTo(11);
        for (Path f : list) {
            Scenario s = ScenarioParser.parse(f);
            assertThat(s.checkCount()).as(f.toString()).isPositive();
            assertThat(s.cases())
                    .as(f.toString())
                    .anyMatch(c -> f.getFileName().toString().startsWith(c));
        }
    }
}
