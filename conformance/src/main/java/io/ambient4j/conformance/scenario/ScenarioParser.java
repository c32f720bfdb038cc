package io.ambient4j.conformance.scenario;

import io.ambient4j.conformance.scenario.Scenario.Target;
import io.ambient4j.conformance.scenario.ScenarioException.Reason;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.constructor.StandardConstructor;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * Reads a scenario file (format: conformance/README.md) into a {@link Scenario}, checking every field and
 * naming file and line for each problem. Works on SnakeYAML's node tree so each node keeps its position.
 * A scenario must contain at least one check: a scenario that asserts nothing is rejected.
 */
public final class ScenarioParser {
    private static final KubernetesSerialization JSON = new KubernetesSerialization();
    private static final Set<String> TOP = Set.of("cases", "description", "requires", "steps");
    private static final Set<String> ERRORS = Set.of("none", "refused", "reset", "timeout", "eof", "any");

    private final String file;
    private final LoadSettings settings;

    private ScenarioParser(String file) {
        this.file = file;
        this.settings = LoadSettings.builder().setLabel(file).build();
    }

    /** Parses a file. */
    public static Scenario parse(Path path) {
        String text;
        try {
            text = Files.readString(path);
        } catch (IOException e) {
            throw new ScenarioException(path.toString(), 0, Reason.SYNTAX, "cannot read: " + e.getMessage());
        }
        return parse(path.toString(), text);
    }

    /** Parses text that came from {@code file} (used in messages). */
    public static Scenario parse(String file, String text) {
        return new ScenarioParser(file).scenario(text);
    }

    private Scenario scenario(String text) {
        Optional<Node> root;
        try {
            root = new Compose(settings).composeString(text);
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().map(m -> m.getLine() + 1).orElse(0);
            throw new ScenarioException(file, line, Reason.SYNTAX, "not valid YAML: " + e.getProblem());
        } catch (YamlEngineException e) {
            throw new ScenarioException(file, 0, Reason.SYNTAX, "not valid YAML: " + e.getMessage());
        }
        if (root.isEmpty()) {
            throw new ScenarioException(file, 1, Reason.MISSING_FIELD, "empty file: a scenario needs cases and steps");
        }
        Map<String, NodeTuple> top = mapping(root.get(), "scenario", TOP);
        List<String> cases = strings(required(top, "cases", root.get()), "cases");
        if (cases.isEmpty()) {
            throw err(
                    top.get("cases").getValueNode(), Reason.BAD_VALUE, "'cases' must name at least one catalogue case");
        }
        for (NodeTuple t : List.of(top.get("cases"))) {
            for (String c : cases) {
                if (!c.matches("C\\d{3}")) {
                    throw err(t.getValueNode(), Reason.BAD_VALUE, "case '" + c + "' is not a catalogue id like C062");
                }
            }
        }
        String description =
                top.containsKey("description") ? scalar(top.get("description").getValueNode(), "description") : "";
        List<String> requires =
                top.containsKey("requires") ? strings(top.get("requires").getValueNode(), "requires") : List.of();
        for (String r : requires) {
            if (!Set.of("istiod", "ztunnel", "cni", "waypoint").contains(r)) {
                throw err(
                        top.get("requires").getValueNode(),
                        Reason.BAD_VALUE,
                        "unknown component '" + r + "' in requires (istiod, ztunnel, cni, waypoint)");
            }
        }
        Node stepsNode = required(top, "steps", root.get());
        if (!(stepsNode instanceof SequenceNode seq)) {
            throw err(stepsNode, Reason.BAD_VALUE, "'steps' must be a list");
        }
        List<Scenario.Step> steps = new ArrayList<>();
        for (Node s : seq.getValue()) {
            steps.add(step(s));
        }
        Scenario scenario = new Scenario(file, cases, description, requires, steps);
        if (scenario.checkCount() == 0) {
            throw err(
                    top.get("steps").getKeyNode(),
                    Reason.NO_CHECKS,
                    "scenario has no 'check' step: a scenario must assert something");
        }
        return scenario;
    }

    private Scenario.Step step(Node node) {
        Map<String, NodeTuple> m = mapping(
                node, "step", Set.of("apply", "delete", "label", "annotate", "patch", "waitFor", "component", "check"));
        if (m.size() != 1) {
            throw err(
                    node,
                    Reason.BAD_VALUE,
                    "a step has exactly one of apply, delete, label, annotate, patch, waitFor, component, check; found "
                            + m.keySet());
        }
        var e = m.entrySet().iterator().next();
        Node v = e.getValue().getValueNode();
        int line = line(node);
        return switch (e.getKey()) {
            case "apply" -> new Scenario.Apply(line, manifests(v));
            case "delete" -> new Scenario.Delete(line, ref(v, Set.of()));
            case "label" ->
                new Scenario.Label(line, ref(v, Set.of("labels")), nullableMap(field(v, "labels"), "labels"));
            case "annotate" ->
                new Scenario.Annotate(
                        line, ref(v, Set.of("annotations")), nullableMap(field(v, "annotations"), "annotations"));
            case "patch" ->
                new Scenario.Patch(line, ref(v, Set.of("merge")), JSON.asJson(construct(field(v, "merge"))));
            case "waitFor" -> waitFor(line, v);
            case "component" -> component(line, v);
            case "check" -> check(line, v);
            default -> throw new IllegalStateException(e.getKey());
        };
    }

    private Scenario.Component component(int line, Node v) {
        Map<String, NodeTuple> m = mapping(v, "component", Set.of("name", "action"));
        String name = scalar(required(m, "name", v), "name");
        Node actionNode = required(m, "action", v);
        String action = scalar(actionNode, "action");
        if (!Set.of("stop", "start", "restart").contains(action)) {
            throw err(actionNode, Reason.BAD_VALUE, "action must be stop, start or restart, not '" + action + "'");
        }
        return new Scenario.Component(line, name, action);
    }

    private Scenario.WaitFor waitFor(int line, Node v) {
        Scenario.ObjectRef ref = ref(v, Set.of("condition", "timeout"));
        Map<String, NodeTuple> m = mapping(v, "waitFor", null);
        String condition =
                m.containsKey("condition") ? scalar(m.get("condition").getValueNode(), "condition") : "ready";
        if (!Set.of("exists", "deleted", "ready").contains(condition)) {
            throw err(
                    m.get("condition").getValueNode(),
                    Reason.BAD_VALUE,
                    "condition must be exists, deleted or ready, not '" + condition + "'");
        }
        Duration timeout =
                m.containsKey("timeout") ? duration(m.get("timeout").getValueNode()) : Duration.ofSeconds(30);
        return new Scenario.WaitFor(line, ref, condition, timeout);
    }

    private Scenario.Check check(int line, Node v) {
        Map<String, NodeTuple> m = mapping(
                v,
                "check",
                Set.of(
                        "name",
                        "from",
                        "url",
                        "method",
                        "headers",
                        "send",
                        "timeout",
                        "repeat",
                        "within",
                        "expect",
                        "annotation",
                        "rules",
                        "metric",
                        "field",
                        "log"));
        String name = m.containsKey("name") ? scalar(m.get("name").getValueNode(), "name") : "check at line " + line;
        Duration within = m.containsKey("within") ? duration(m.get("within").getValueNode()) : Duration.ofSeconds(10);
        int kinds = (m.containsKey("url") ? 1 : 0)
                + (m.containsKey("annotation") ? 1 : 0)
                + (m.containsKey("rules") ? 1 : 0)
                + (m.containsKey("metric") ? 1 : 0)
                + (m.containsKey("field") ? 1 : 0)
                + (m.containsKey("log") ? 1 : 0);
        if (kinds != 1) {
            throw err(
                    v,
                    Reason.BAD_VALUE,
                    "check '" + name + "' needs exactly one of url, annotation, rules, metric, field, log");
        }
        Scenario.Assertion a;
        if (m.containsKey("url")) {
            a = connect(m, v, name);
        } else if (m.containsKey("annotation")) {
            Node an = m.get("annotation").getValueNode();
            Map<String, NodeTuple> am = mapping(an, "annotation", Set.of("pod", "workload", "key", "value", "absent"));
            Target pod = target(an, am);
            String key = scalar(required(am, "key", an), "key");
            boolean absent = am.containsKey("absent") && bool(am.get("absent").getValueNode());
            String value = am.containsKey("value") ? scalar(am.get("value").getValueNode(), "value") : null;
            if (value == null && !absent) {
                throw err(an, Reason.MISSING_FIELD, "annotation check needs 'value' or 'absent: true'");
            }
            a = new Scenario.Annotation(pod, key, value, absent);
        } else if (m.containsKey("field")) {
            a = field(m.get("field").getValueNode());
        } else if (m.containsKey("log")) {
            a = log(m.get("log").getValueNode());
        } else if (m.containsKey("rules")) {
            Node rn = m.get("rules").getValueNode();
            Map<String, NodeTuple> rm =
                    mapping(rn, "rules", Set.of("pod", "workload", "node", "table", "contains", "absent"));
            Target where = target(rn, rm);
            String table = rm.containsKey("table") ? scalar(rm.get("table").getValueNode(), "table") : "nat";
            if (!Set.of("nat", "mangle", "raw", "filter").contains(table)) {
                throw err(rm.get("table").getValueNode(), Reason.BAD_VALUE, "table must be nat, mangle, raw or filter");
            }
            List<String> contains =
                    rm.containsKey("contains") ? strings(rm.get("contains").getValueNode(), "contains") : List.of();
            List<String> absent =
                    rm.containsKey("absent") ? strings(rm.get("absent").getValueNode(), "absent") : List.of();
            if (contains.isEmpty() && absent.isEmpty()) {
                throw err(rn, Reason.MISSING_FIELD, "rules check needs 'contains' or 'absent'");
            }
            a = new Scenario.Rules(where, table, contains, absent);
        } else {
            Node mn = m.get("metric").getValueNode();
            Map<String, NodeTuple> mm = mapping(mn, "metric", Set.of("from", "url", "name", "labels", "value"));
            Target from = from(required(mm, "from", mn));
            String url = scalar(required(mm, "url", mn), "url");
            String metricName = scalar(required(mm, "name", mn), "name");
            Map<String, String> labels =
                    mm.containsKey("labels") ? stringMap(mm.get("labels").getValueNode(), "labels") : Map.of();
            String value = mm.containsKey("value") ? scalar(mm.get("value").getValueNode(), "value") : ">0";
            try {
                MetricText.Comparison.parse(value);
            } catch (IllegalArgumentException e) {
                throw err(mm.get("value").getValueNode(), Reason.BAD_VALUE, e.getMessage());
            }
            a = new Scenario.Metric(from, url, metricName, labels, value);
        }
        return new Scenario.Check(line, name, a, within);
    }

    private Scenario.Log log(Node ln) {
        Map<String, NodeTuple> lm = mapping(ln, "log", Set.of("component", "node", "contains", "absent"));
        Node cn = required(lm, "component", ln);
        String component = scalar(cn, "component");
        if (!Set.of("istiod", "ztunnel", "cni").contains(component)) {
            throw err(cn, Reason.BAD_VALUE, "log component must be istiod, ztunnel or cni, not '" + component + "'");
        }
        String node = lm.containsKey("node") ? scalar(lm.get("node").getValueNode(), "node") : null;
        if (component.equals("istiod") ? node != null : node == null) {
            throw err(
                    ln,
                    component.equals("istiod") ? Reason.BAD_VALUE : Reason.MISSING_FIELD,
                    component.equals("istiod")
                            ? "istiod runs once: its log check takes no 'node'"
                            : "the " + component + " log check needs the 'node' it runs on (node-1, ...)");
        }
        List<String> contains =
                lm.containsKey("contains") ? strings(lm.get("contains").getValueNode(), "contains") : List.of();
        List<String> absent =
                lm.containsKey("absent") ? strings(lm.get("absent").getValueNode(), "absent") : List.of();
        if (contains.isEmpty() && absent.isEmpty()) {
            throw err(ln, Reason.MISSING_FIELD, "log check needs 'contains' or 'absent'");
        }
        return new Scenario.Log(component, node, contains, absent);
    }

    private Scenario.Field field(Node fn) {
        Scenario.ObjectRef ref = ref(fn, Set.of("path", "value", "contains", "absent"));
        Map<String, NodeTuple> fm = mapping(fn, "field", null);
        Node pn = required(fm, "path", fn);
        if (!(pn instanceof SequenceNode seq) || seq.getValue().isEmpty()) {
            throw err(
                    pn,
                    Reason.BAD_VALUE,
                    "path must be a non-empty list of keys, indexes and {field: value} selectors");
        }
        List<Object> path = new ArrayList<>();
        for (Node seg : seq.getValue()) {
            if (seg instanceof ScalarNode sc) {
                path.add(
                        sc.getValue().matches("\\d+") && seg.getTag().getValue().endsWith(":int")
                                ? Integer.valueOf(sc.getValue())
                                : sc.getValue());
            } else {
                path.add(Map.copyOf(stringMap(seg, "path selector")));
            }
        }
        String value = fm.containsKey("value") ? scalar(fm.get("value").getValueNode(), "value") : null;
        String contains = fm.containsKey("contains") ? scalar(fm.get("contains").getValueNode(), "contains") : null;
        boolean absent = fm.containsKey("absent") && bool(fm.get("absent").getValueNode());
        if ((value != null ? 1 : 0) + (contains != null ? 1 : 0) + (absent ? 1 : 0) != 1) {
            throw err(fn, Reason.MISSING_FIELD, "field check needs exactly one of value, contains, absent: true");
        }
        return new Scenario.Field(ref, path, value, contains, absent);
    }

    private Scenario.Connect connect(Map<String, NodeTuple> m, Node v, String name) {
        Target from = from(required(m, "from", v));
        Node urlNode = m.get("url").getValueNode();
        String url = scalar(urlNode, "url");
        if (!url.matches("(http|https|h2c|grpc|tcp|tcp-server)://[^/]+.*")) {
            throw err(
                    urlNode,
                    Reason.BAD_VALUE,
                    "url must start with http://, https://, h2c://, grpc://, tcp:// or tcp-server:// and name a host: '"
                            + url + "'");
        }
        String method = m.containsKey("method") ? scalar(m.get("method").getValueNode(), "method") : "GET";
        Map<String, String> headers =
                m.containsKey("headers") ? stringMap(m.get("headers").getValueNode(), "headers") : Map.of();
        String send = m.containsKey("send") ? scalar(m.get("send").getValueNode(), "send") : null;
        Duration timeout = m.containsKey("timeout") ? duration(m.get("timeout").getValueNode()) : Duration.ofSeconds(3);
        int repeat = m.containsKey("repeat") ? integer(m.get("repeat").getValueNode()) : 1;
        Node en = required(m, "expect", v);
        Map<String, NodeTuple> e = mapping(
                en,
                "expect",
                Set.of(
                        "status",
                        "error",
                        "denied",
                        "bodyContains",
                        "bodyExcludes",
                        "hostname",
                        "sourceIp",
                        "requestHeaders",
                        "requestHeadersAbsent",
                        "l7",
                        "echoed"));
        if (e.isEmpty()) {
            throw err(en, Reason.NO_CHECKS, "check '" + name + "' has an empty expect: it would assert nothing");
        }
        String error = e.containsKey("error") ? scalar(e.get("error").getValueNode(), "error") : null;
        if (error != null && !ERRORS.contains(error)) {
            throw err(
                    e.get("error").getValueNode(),
                    Reason.BAD_VALUE,
                    "error must be one of " + ERRORS + ", not '" + error + "'");
        }
        boolean http = url.startsWith("http") || url.startsWith("h2c") || url.startsWith("grpc");
        for (String httpOnly :
                List.of("status", "bodyContains", "bodyExcludes", "requestHeaders", "requestHeadersAbsent", "l7")) {
            if (!http && e.containsKey(httpOnly)) {
                throw err(
                        e.get(httpOnly).getKeyNode(),
                        Reason.BAD_VALUE,
                        "'" + httpOnly + "' needs an http://, https://, h2c:// or grpc:// url");
            }
        }
        Scenario.Expect expect = new Scenario.Expect(
                e.containsKey("status") ? integer(e.get("status").getValueNode()) : null,
                error,
                e.containsKey("denied") ? bool(e.get("denied").getValueNode()) : null,
                e.containsKey("bodyContains")
                        ? strings(e.get("bodyContains").getValueNode(), "bodyContains")
                        : List.of(),
                e.containsKey("bodyExcludes")
                        ? strings(e.get("bodyExcludes").getValueNode(), "bodyExcludes")
                        : List.of(),
                e.containsKey("hostname") ? scalar(e.get("hostname").getValueNode(), "hostname") : null,
                e.containsKey("sourceIp") ? scalar(e.get("sourceIp").getValueNode(), "sourceIp") : null,
                e.containsKey("requestHeaders")
                        ? stringMap(e.get("requestHeaders").getValueNode(), "requestHeaders")
                        : Map.of(),
                e.containsKey("requestHeadersAbsent")
                        ? strings(e.get("requestHeadersAbsent").getValueNode(), "requestHeadersAbsent")
                        : List.of(),
                e.containsKey("l7") ? bool(e.get("l7").getValueNode()) : null,
                e.containsKey("echoed") ? scalar(e.get("echoed").getValueNode(), "echoed") : null);
        return new Scenario.Connect(from, url, method, headers, send, timeout, repeat, expect);
    }

    private Target from(Node n) {
        if (n instanceof ScalarNode s) {
            if (s.getValue().equals("outside")) {
                return new Target(Target.Kind.OUTSIDE, null, null);
            }
            throw err(n, Reason.BAD_VALUE, "'from' must be 'outside' or a mapping with pod, workload or node");
        }
        return target(n, mapping(n, "from", Set.of("pod", "workload", "node")));
    }

    private Target target(Node n, Map<String, NodeTuple> m) {
        int count =
                (m.containsKey("pod") ? 1 : 0) + (m.containsKey("workload") ? 1 : 0) + (m.containsKey("node") ? 1 : 0);
        if (count != 1) {
            throw err(
                    n,
                    Reason.BAD_VALUE,
                    "name exactly one of pod: <ns>/<name>, workload: <ns>/<deployment>, node: <node>");
        }
        if (m.containsKey("node")) {
            return new Target(Target.Kind.NODE, null, scalar(m.get("node").getValueNode(), "node"));
        }
        String key = m.containsKey("pod") ? "pod" : "workload";
        Node vn = m.get(key).getValueNode();
        String v = scalar(vn, key);
        String[] parts = v.split("/");
        if (parts.length != 2 || parts[0].isEmpty() || parts[1].isEmpty()) {
            throw err(vn, Reason.BAD_VALUE, key + " must be <namespace>/<name>, not '" + v + "'");
        }
        return new Target(key.equals("pod") ? Target.Kind.POD : Target.Kind.WORKLOAD, parts[0], parts[1]);
    }

    private Scenario.ObjectRef ref(Node n, Set<String> extra) {
        Set<String> allowed = new java.util.HashSet<>(Set.of("apiVersion", "kind", "namespace", "name"));
        allowed.addAll(extra);
        Map<String, NodeTuple> m = mapping(n, "object reference", allowed);
        String kind = scalar(required(m, "kind", n), "kind");
        String name = scalar(required(m, "name", n), "name");
        String apiVersion = m.containsKey("apiVersion")
                ? scalar(m.get("apiVersion").getValueNode(), "apiVersion")
                : Kinds.apiVersion(kind);
        if (apiVersion == null) {
            throw err(
                    m.get("kind").getValueNode(),
                    Reason.MISSING_FIELD,
                    "kind '" + kind + "' is not well known: give its apiVersion");
        }
        String ns = m.containsKey("namespace") ? scalar(m.get("namespace").getValueNode(), "namespace") : null;
        if (ns == null && Kinds.namespaced(kind)) {
            ns = "default";
        }
        return new Scenario.ObjectRef(apiVersion, kind, ns, name);
    }

    private Node field(Node n, String key) {
        return required(mapping(n, "step", null), key, n);
    }

    private String manifests(Node v) {
        if (v instanceof ScalarNode s) {
            if (s.getValue().isBlank()) {
                throw err(v, Reason.BAD_VALUE, "apply has no manifest");
            }
            validateManifests(v, s.getValue());
            return s.getValue();
        }
        List<Node> docs = v instanceof SequenceNode seq ? seq.getValue() : List.of(v);
        StringBuilder b = new StringBuilder();
        for (Node d : docs) {
            if (!(d instanceof MappingNode)) {
                throw err(
                        d, Reason.BAD_VALUE, "apply takes a YAML text (|), a Kubernetes object, or a list of objects");
            }
            String json = JSON.asJson(construct(d));
            validateManifests(d, json);
            b.append(json).append("\n---\n");
        }
        return b.toString();
    }

    private void validateManifests(Node at, String yaml) {
        try {
            var objects = io.ambient4j.conformance.mesh.Manifests.parse(yaml);
            for (var o : objects) {
                if (o.getMetadata() == null || o.getMetadata().getName() == null) {
                    throw err(at, Reason.MISSING_FIELD, "a manifest of kind " + o.getKind() + " has no metadata.name");
                }
            }
        } catch (ScenarioException e) {
            throw e;
        } catch (RuntimeException e) {
            throw err(at, Reason.BAD_VALUE, "manifest is not a Kubernetes object: " + firstLine(e.getMessage()));
        }
    }

    private static String firstLine(String s) {
        return s == null ? "" : s.lines().findFirst().orElse("");
    }

    private Object construct(Node n) {
        return new StandardConstructor(settings).constructSingleDocument(Optional.of(n));
    }

    private Map<String, NodeTuple> mapping(Node n, String what, Set<String> allowed) {
        if (!(n instanceof MappingNode mn)) {
            throw err(n, Reason.BAD_VALUE, what + " must be a mapping");
        }
        Map<String, NodeTuple> out = new LinkedHashMap<>();
        for (NodeTuple t : mn.getValue()) {
            String key = scalar(t.getKeyNode(), "key");
            if (out.containsKey(key)) {
                throw err(t.getKeyNode(), Reason.BAD_VALUE, "duplicate key '" + key + "' in " + what);
            }
            if (allowed != null && !allowed.contains(key)) {
                throw err(
                        t.getKeyNode(),
                        Reason.UNKNOWN_FIELD,
                        "unknown field '" + key + "' in " + what + " (allowed: "
                                + allowed.stream().sorted().toList() + ")");
            }
            out.put(key, t);
        }
        return out;
    }

    private Node required(Map<String, NodeTuple> m, String key, Node parent) {
        NodeTuple t = m.get(key);
        if (t == null) {
            throw err(parent, Reason.MISSING_FIELD, "missing required field '" + key + "'");
        }
        return t.getValueNode();
    }

    private String scalar(Node n, String what) {
        if (!(n instanceof ScalarNode s)) {
            throw err(n, Reason.BAD_VALUE, "'" + what + "' must be a single value");
        }
        return s.getValue();
    }

    private List<String> strings(Node n, String what) {
        if (n instanceof ScalarNode s) {
            return List.of(s.getValue());
        }
        if (!(n instanceof SequenceNode seq)) {
            throw err(n, Reason.BAD_VALUE, "'" + what + "' must be a list of values");
        }
        List<String> out = new ArrayList<>();
        for (Node item : seq.getValue()) {
            out.add(scalar(item, what));
        }
        return out;
    }

    private Map<String, String> stringMap(Node n, String what) {
        Map<String, String> out = new LinkedHashMap<>();
        mapping(n, what, null).forEach((k, t) -> out.put(k, scalar(t.getValueNode(), k)));
        return out;
    }

    private Map<String, String> nullableMap(Node n, String what) {
        Map<String, String> out = new LinkedHashMap<>();
        mapping(n, what, null).forEach((k, t) -> {
            Node v = t.getValueNode();
            boolean isNull = v instanceof ScalarNode s && v.getTag().getValue().endsWith(":null");
            out.put(k, isNull ? null : scalar(v, k));
        });
        return out;
    }

    private int integer(Node n) {
        String s = scalar(n, "number");
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw err(n, Reason.BAD_VALUE, "'" + s + "' is not a whole number");
        }
    }

    private boolean bool(Node n) {
        String s = scalar(n, "flag");
        return switch (s) {
            case "true" -> true;
            case "false" -> false;
            default -> throw err(n, Reason.BAD_VALUE, "'" + s + "' is not true or false");
        };
    }

    private Duration duration(Node n) {
        String s = scalar(n, "duration");
        try {
            return Durations.parse(s);
        } catch (IllegalArgumentException e) {
            throw err(n, Reason.BAD_VALUE, e.getMessage());
        }
    }

    private static int line(Node n) {
        return n.getStartMark().map(m -> m.getLine() + 1).orElse(0);
    }

    private ScenarioException err(Node n, Reason reason, String problem) {
        return new ScenarioException(file, line(n), reason, problem);
    }
}
