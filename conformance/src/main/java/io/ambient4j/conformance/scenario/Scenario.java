package io.ambient4j.conformance.scenario;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One scenario file, parsed and validated: the catalogue cases it covers, the components it needs, and
 * its steps in order. Everything here is an immutable value; {@link ScenarioRunner} gives it meaning.
 */
public record Scenario(String file, List<String> cases, String description, List<String> requires, List<Step> steps) {
    public Scenario {
        cases = List.copyOf(cases);
        requires = List.copyOf(requires);
        steps = List.copyOf(steps);
    }

    /** How many steps assert something. */
    public long checkCount() {
        return steps.stream().filter(s -> s instanceof Check).count();
    }

    /** A Kubernetes object named by kind (and optional apiVersion), namespace and name. */
    public record ObjectRef(String apiVersion, String kind, String namespace, String name) {}

    /**
     * Which pod (or namespace) an action runs from or a check looks at: a pod by name, any ready pod of a
     * Deployment, a node's namespace, or the underlay ("outside" the cluster).
     */
    public record Target(Kind kind, String namespace, String name) {
        /** The kinds of target. */
        public enum Kind {
            POD,
            WORKLOAD,
            NODE,
            OUTSIDE
        }

        @Override
        public String toString() {
            return switch (kind) {
                case POD -> "pod " + namespace + "/" + name;
                case WORKLOAD -> "workload " + namespace + "/" + name;
                case NODE -> "node " + name;
                case OUTSIDE -> "outside";
            };
        }
    }

    /** A step of a scenario; {@code line} is where it starts in the file. */
    public sealed interface Step permits Apply, Delete, Label, Annotate, Patch, WaitFor, Component, Check {
        int line();
    }

    /** Creates or updates the objects of a YAML text (one or more documents). */
    public record Apply(int line, String yaml) implements Step {}

    /** Deletes an object. */
    public record Delete(int line, ObjectRef ref) implements Step {}

    /** Sets labels (a null value removes the label). */
    public record Label(int line, ObjectRef ref, Map<String, String> labels) implements Step {}

    /** Sets annotations (a null value removes the annotation). */
    public record Annotate(int line, ObjectRef ref, Map<String, String> annotations) implements Step {}

    /** Applies a JSON merge patch (given as YAML). */
    public record Patch(int line, ObjectRef ref, String mergeJson) implements Step {}

    /** Waits until an object reaches a condition (exists, deleted, ready). */
    public record WaitFor(int line, ObjectRef ref, String condition, Duration timeout) implements Step {}

    /**
     * Stops, starts or restarts one of the mesh's component instances ({@code istiod}, {@code ztunnel-node-1},
     * {@code cni-node-2}, ...); start and restart wait until it is ready again.
     */
    public record Component(int line, String instance, String action) implements Step {}

    /** An assertion, retried until it holds or {@code within} has passed. */
    public record Check(int line, String name, Assertion assertion, Duration within) implements Step {}

    /** What a check asserts. */
    public sealed interface Assertion permits Connect, Annotation, Rules, Metric, Field, Log {}

    /** A connection from {@code from} to {@code url} with expectations on the outcome. */
    public record Connect(
            Target from,
            String url,
            String method,
            Map<String, String> headers,
            String send,
            Duration timeout,
            int repeat,
            Expect expect)
            implements Assertion {}

    /**
     * Expected outcome. Null fields are not checked. {@code error} is one of none, refused, reset, timeout,
     * eof, any; {@code denied} accepts any of upstream's DENY outcomes (reset, eof, 403, 503).
     */
    public record Expect(
            Integer status,
            String error,
            Boolean denied,
            List<String> bodyContains,
            List<String> bodyExcludes,
            String hostname,
            String sourceIp,
            Map<String, String> requestHeaders,
            List<String> requestHeadersAbsent,
            Boolean l7,
            String echoed) {}

    /** A pod annotation's value ({@code value} null with {@code absent} true: must not be set). */
    public record Annotation(Target pod, String key, String value, boolean absent) implements Assertion {}

    /** {@code iptables-save} output of a pod's or node's namespace contains / lacks the given lines. */
    public record Rules(Target where, String table, List<String> contains, List<String> absent) implements Assertion {}

    /**
     * A field of any object: {@code path} is a list of map keys, list indexes, and list selectors (a
     * mapping such as {@code {type: Ready}} picks the first element whose fields match). The value must
     * equal {@code value}, or contain {@code contains}, or ({@code absent}) the path must lead nowhere.
     */
    public record Field(ObjectRef ref, List<Object> path, String value, String contains, boolean absent)
            implements Assertion {}

    /**
     * A component's log (ztunnel or the CNI agent of a node, or istiod) contains / lacks the given strings: an access
     * log line with a workload's identity, for instance. {@code node} is null for istiod.
     */
    public record Log(String component, String node, List<String> contains, List<String> absent) implements Assertion {
        public Log {
            contains = List.copyOf(contains);
            absent = List.copyOf(absent);
        }

        /** The component instance whose log this is, as the local mesh names it ({@code ztunnel-node-2}, {@code istiod}). */
        public String instance() {
            return node == null ? component : component + "-" + node;
        }
    }

    /** A Prometheus series read from {@code url} (from {@code from}) matches labels and a value test. */
    public record Metric(Target from, String url, String name, Map<String, String> labels, String value)
            implements Assertion {}
}
