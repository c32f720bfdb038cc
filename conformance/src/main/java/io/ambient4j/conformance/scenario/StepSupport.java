package io.ambient4j.conformance.scenario;

import java.net.URI;

/**
 * Which scenario steps a {@link Cluster} can carry out, decided from the step alone (pure). The local mesh runs
 * every step. An external cluster (reached only through its API) cannot do what needs a node: control the ztunnel
 * and CNI agent processes ({@code component}), read iptables inside a pod's or node's network namespace
 * ({@code rules}), connect from a node's namespace or from the local mesh's underlay ({@code node:}/{@code outside}).
 * Such a step is never passed: it is reported as skipped with the reason, and a skipped {@code component} step skips
 * the rest of its scenario (the later steps expect the state it would have made). A metric read from a node at
 * {@code 127.0.0.1} is ztunnel's own endpoint and is read through the API (the ztunnel pod's proxy subresource).
 */
public final class StepSupport {
    /** Where scenarios run. */
    public enum Mode {
        LOCAL,
        EXTERNAL
    }

    /** What to do with a step. */
    public sealed interface Decision permits Run, SkipStep, SkipRest {}

    /** Carry it out. */
    public record Run() implements Decision {}

    /** Skip this step only (an observation the cluster cannot make); {@code reason} is reported. */
    public record SkipStep(String reason) implements Decision {}

    /** Skip this step and every later one (it changes state the later steps rely on); {@code reason} is reported. */
    public record SkipRest(String reason) implements Decision {}

    static final String NODE_ACCESS = "needs node access";

    private StepSupport() {}

    /** The decision for one step in one mode (pure). */
    public static Decision of(Scenario.Step step, Mode mode) {
        if (mode == Mode.LOCAL) {
            return new Run();
        }
        return switch (step) {
            case Scenario.Component c ->
                new SkipRest(NODE_ACCESS + ": " + c.action() + " " + c.instance()
                        + " is process control on a node; the later steps depend on it");
            case Scenario.Check c -> check(c.assertion());
            default -> new Run();
        };
    }

    private static Decision check(Scenario.Assertion a) {
        return switch (a) {
            case Scenario.Rules r ->
                new SkipStep(NODE_ACCESS + ": iptables-save inside the network namespace of " + r.where());
            case Scenario.Connect c -> from(c.from(), "a connection");
            case Scenario.Metric m -> {
                if (m.from().kind() == Scenario.Target.Kind.NODE && ztunnelLocal(m.url())) {
                    yield new Run();
                }
                yield from(m.from(), "a metrics read");
            }
            default -> new Run();
        };
    }

    private static Decision from(Scenario.Target t, String what) {
        return switch (t.kind()) {
            case NODE -> new SkipStep(NODE_ACCESS + ": " + what + " from the network namespace of " + t);
            case OUTSIDE ->
                new SkipStep(NODE_ACCESS + ": " + what + " from outside the cluster on its node network"
                        + " (the local mesh's underlay has no counterpart reachable through the API)");
            default -> new Run();
        };
    }

    /** A node-local URL of ztunnel's admin/metrics ports ({@code 127.0.0.1}/{@code localhost}), read via its pod. */
    static boolean ztunnelLocal(String url) {
        try {
            String host = URI.create(url).getHost();
            return "127.0.0.1".equals(host) || "localhost".equals(host);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
