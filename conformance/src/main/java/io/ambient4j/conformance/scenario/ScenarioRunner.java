package io.ambient4j.conformance.scenario;

import io.ambient4j.conformance.kubelet.DeploymentController;
import io.ambient4j.conformance.mesh.MeshHarness;
import io.ambient4j.conformance.scenario.Scenario.Target;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs one parsed scenario against a {@link Cluster} (the local mesh or an external cluster): applies and changes
 * objects, waits for conditions, runs checks (each retried until it holds or its {@code within} deadline passes), and
 * at the end deletes every object the scenario applied, so scenarios do not see each other's objects. Steps the
 * cluster cannot carry out ({@link StepSupport}) are skipped and reported, never passed.
 */
public final class ScenarioRunner {
    private static final Pattern PLACEHOLDER =
            Pattern.compile("\\$\\{(podIP|workloadIP|clusterIP|nodeIP|podName):([^}]+)}");
    private static final Duration POLL = Duration.ofMillis(150);
    private static final io.fabric8.kubernetes.client.utils.KubernetesSerialization JSON =
            new io.fabric8.kubernetes.client.utils.KubernetesSerialization();

    private final Cluster cluster;
    private final KubernetesClient client;

    public ScenarioRunner(MeshHarness mesh) {
        this(new LocalCluster(mesh));
    }

    public ScenarioRunner(Cluster cluster) {
        this.cluster = cluster;
        this.client = cluster.client();
    }

    /** Component instances the running scenario stopped and has not started again. */
    private final java.util.Set<String> stopped = new java.util.LinkedHashSet<>();

    /** Runs the scenario; never throws for scenario failures. */
    public ScenarioResult run(Scenario s) {
        Instant start = Instant.now();
        Map<String, String> unavailable = cluster.unavailableComponents();
        List<String> missing =
                s.requires().stream().filter(unavailable::containsKey).toList();
        if (!missing.isEmpty()) {
            String why =
                    String.join("; ", missing.stream().map(unavailable::get).toList());
            return new ScenarioResult(s.file(), s.cases(), ScenarioResult.Status.SKIPPED, Duration.ZERO, why);
        }
        List<Scenario.ObjectRef> applied = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        stopped.clear();
        String failure = null;
        try {
            for (Scenario.Step step : s.steps()) {
                StepSupport.Decision d = StepSupport.of(step, cluster.mode());
                if (d instanceof StepSupport.SkipStep(String why)) {
                    skipped.add("line " + step.line() + " " + describe(step) + ": skipped (" + why + ")");
                    continue;
                }
                if (d instanceof StepSupport.SkipRest(String why)) {
                    skipped.add("line " + step.line() + " " + describe(step) + " and the "
                            + (s.steps().size() - 1 - s.steps().indexOf(step)) + " steps after it: skipped (" + why
                            + ")");
                    break;
                }
                Optional<String> f = step(step, applied);
                if (f.isPresent()) {
                    failure = "line " + step.line() + ": " + f.get();
                    break;
                }
            }
        } catch (RuntimeException e) {
            failure = "error: " + e;
        } finally {
            // components a scenario stopped come back before the next one runs, whatever happened
            for (String instance : List.copyOf(stopped)) {
                Optional<String> notReady = cluster.startComponent(instance);
                if (notReady.isPresent() && failure == null) {
                    failure = "restoring " + instance + " after the scenario: " + notReady.get();
                }
            }
            stopped.clear();
            cluster.cleanup(applied);
        }
        return ScenarioResult.of(s.file(), s.cases(), Duration.between(start, Instant.now()), failure, skipped);
    }

    /** A step's short description for the report (pure). */
    static String describe(Scenario.Step step) {
        return switch (step) {
            case Scenario.Check c -> "check '" + c.name() + "'";
            case Scenario.Component c -> "component " + c.action() + " " + c.instance();
            default -> step.getClass().getSimpleName().toLowerCase(java.util.Locale.ROOT);
        };
    }

    private Optional<String> step(Scenario.Step step, List<Scenario.ObjectRef> applied) {
        switch (step) {
            case Scenario.Apply a -> {
                for (HasMetadata h : cluster.apply(a.yaml())) {
                    Scenario.ObjectRef ref = ObjectAccess.refOf(h);
                    if (!applied.contains(ref)) {
                        applied.add(ref);
                    }
                }
                return Optional.empty();
            }
            case Scenario.Delete d -> {
                ObjectAccess.delete(client, d.ref());
                return Optional.empty();
            }
            case Scenario.Label l -> {
                ObjectAccess.editMeta(client, l.ref(), m -> apply(m.getLabels(), l.labels(), m::setLabels));
                return Optional.empty();
            }
            case Scenario.Annotate a -> {
                ObjectAccess.editMeta(
                        client, a.ref(), m -> apply(m.getAnnotations(), a.annotations(), m::setAnnotations));
                return Optional.empty();
            }
            case Scenario.Patch p -> {
                ObjectAccess.mergePatch(client, p.ref(), p.mergeJson());
                return Optional.empty();
            }
            case Scenario.WaitFor w -> {
                return waitFor(w);
            }
            case Scenario.Component c -> {
                return component(c);
            }
            case Scenario.Check c -> {
                return check(c);
            }
        }
    }

    private Optional<String> component(Scenario.Component c) {
        if (!c.action().equals("start")) {
            stopped.add(c.instance());
            cluster.stopComponent(c.instance());
        }
        if (c.action().equals("stop")) {
            return Optional.empty();
        }
        Optional<String> notReady = cluster.startComponent(c.instance());
        if (notReady.isEmpty()) {
            stopped.remove(c.instance());
        }
        return notReady.map(why -> c.action() + " " + c.instance() + ": " + why);
    }

    private static void apply(
            Map<String, String> current,
            Map<String, String> changes,
            java.util.function.Consumer<Map<String, String>> set) {
        Map<String, String> next = new java.util.LinkedHashMap<>(current == null ? Map.of() : current);
        changes.forEach((k, v) -> {
            if (v == null) {
                next.remove(k);
            } else {
                next.put(k, v);
            }
        });
        set.accept(next);
    }

    private Optional<String> waitFor(Scenario.WaitFor w) {
        Instant deadline = Instant.now().plus(w.timeout());
        String last = "";
        while (true) {
            HasMetadata h = ObjectAccess.get(client, w.ref());
            boolean ok = switch (w.condition()) {
                case "exists" -> h != null;
                case "deleted" -> h == null;
                default -> h != null && ready(h);
            };
            if (ok) {
                return Optional.empty();
            }
            last = h == null ? "it does not exist" : "it is not " + w.condition();
            if (Instant.now().isAfter(deadline)) {
                return Optional.of("timed out after " + w.timeout().toMillis() + "ms waiting for "
                        + w.ref().kind() + " " + w.ref().namespace() + "/"
                        + w.ref().name() + " to be " + w.condition() + ": " + last);
            }
            pause();
        }
    }

    private boolean ready(HasMetadata h) {
        return switch (h) {
            case Pod p -> DeploymentController.isReady(p);
            case Deployment d -> {
                int want = d.getSpec().getReplicas() == null ? 1 : d.getSpec().getReplicas();
                yield d.getStatus() != null
                        && d.getStatus().getReadyReplicas() != null
                        && d.getStatus().getReadyReplicas() >= want;
            }
            case Service s ->
                s.getSpec().getClusterIP() != null
                        && !s.getSpec().getClusterIP().isEmpty();
            default -> true;
        };
    }

    private Optional<String> check(Scenario.Check c) {
        Instant deadline = Instant.now().plus(c.within());
        List<String> failures;
        while (true) {
            try {
                failures = evaluate(c.assertion());
            } catch (RuntimeException e) {
                failures = List.of(e.getMessage() == null ? e.toString() : e.getMessage());
            }
            if (failures.isEmpty()) {
                return Optional.empty();
            }
            if (Instant.now().isAfter(deadline)) {
                return Optional.of("check '" + c.name() + "' failed: " + String.join("; ", failures));
            }
            pause();
        }
    }

    private List<String> evaluate(Scenario.Assertion a) {
        return switch (a) {
            case Scenario.Connect c -> connect(c);
            case Scenario.Annotation an -> {
                Pod pod = pod(an.pod());
                String v = pod.getMetadata().getAnnotations() == null
                        ? null
                        : pod.getMetadata().getAnnotations().get(an.key());
                if (an.absent()) {
                    yield v == null ? List.of() : List.of("annotation " + an.key() + "=" + v + " must be absent");
                }
                yield an.value().equals(v)
                        ? List.of()
                        : List.of("annotation " + an.key() + " is " + v + ", expected " + an.value());
            }
            case Scenario.Rules r -> {
                String save = cluster.iptablesSave(r.where(), podOf(r.where()), r.table());
                yield Verdicts.rules(save, r.contains(), r.absent());
            }
            case Scenario.Field f -> {
                HasMetadata h = ObjectAccess.get(client, f.ref());
                Object tree = h == null ? null : JSON.convertValue(h, Map.class);
                yield Verdicts.field(tree, f);
            }
            case Scenario.Log l -> {
                String text = cluster.componentLog(l.component(), l.node());
                yield Verdicts.log(
                        l.instance(),
                        text,
                        l.contains().stream().map(this::substitute).toList(),
                        l.absent().stream().map(this::substitute).toList());
            }
            case Scenario.Metric m -> {
                Outcome o = cluster.connect(
                        m.from(), podOf(m.from()), substitute(m.url()), "GET", Map.of(), null, Duration.ofSeconds(3));
                if (o.error() != null || o.status() == null || o.status() != 200) {
                    yield List.of("metrics at " + m.url() + ": " + o.describe());
                }
                yield Verdicts.metric(o.body(), m.name(), m.labels(), m.value()).stream()
                        .toList();
            }
        };
    }

    private List<String> connect(Scenario.Connect c) {
        Pod from = podOf(c.from());
        String url = substitute(c.url());
        Map<String, String> headers = new java.util.LinkedHashMap<>();
        c.headers().forEach((k, v) -> headers.put(k, substitute(v)));
        Scenario.Expect e = substitute(c.expect());
        String sourceIp = e.sourceIp() == null ? null : e.sourceIp().equals("from") ? ipOf(c.from()) : e.sourceIp();
        for (int i = 0; i < c.repeat(); i++) {
            Outcome o = cluster.connect(c.from(), from, url, c.method(), headers, c.send(), c.timeout());
            List<String> failures = Verdicts.judge(e, o, sourceIp);
            if (!failures.isEmpty()) {
                return c.repeat() > 1
                        ? List.of("attempt " + (i + 1) + "/" + c.repeat() + ": " + String.join("; ", failures))
                        : failures;
            }
        }
        return List.of();
    }

    private Scenario.Expect substitute(Scenario.Expect e) {
        return new Scenario.Expect(
                e.status(),
                e.error(),
                e.denied(),
                e.bodyContains().stream().map(this::substitute).toList(),
                e.bodyExcludes().stream().map(this::substitute).toList(),
                e.hostname() == null ? null : substitute(e.hostname()),
                e.sourceIp() == null ? null : substitute(e.sourceIp()),
                e.requestHeaders(),
                e.requestHeadersAbsent(),
                e.l7(),
                e.echoed() == null ? null : substitute(e.echoed()));
    }

    /** Replaces {@code ${podIP:ns/name}} and friends with live values. */
    String substitute(String text) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder b = new StringBuilder();
        while (m.find()) {
            String arg = m.group(2);
            String value = switch (m.group(1)) {
                case "podIP" -> podIp(pod(new Target(Target.Kind.POD, ns(arg), name(arg))));
                case "workloadIP" -> podIp(pod(new Target(Target.Kind.WORKLOAD, ns(arg), name(arg))));
                case "podName" ->
                    pod(new Target(Target.Kind.WORKLOAD, ns(arg), name(arg)))
                            .getMetadata()
                            .getName();
                case "clusterIP" -> {
                    Service s = client.services()
                            .inNamespace(ns(arg))
                            .withName(name(arg))
                            .get();
                    if (s == null || s.getSpec().getClusterIP() == null) {
                        throw new IllegalStateException("service " + arg + " has no clusterIP");
                    }
                    yield s.getSpec().getClusterIP();
                }
                default -> cluster.nodeIp(arg);
            };
            m.appendReplacement(b, Matcher.quoteReplacement(value));
        }
        m.appendTail(b);
        return b.toString();
    }

    private static String ns(String arg) {
        int slash = arg.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("'" + arg + "' must be <namespace>/<name>");
        }
        return arg.substring(0, slash);
    }

    private static String name(String arg) {
        return arg.substring(arg.indexOf('/') + 1);
    }

    private static String podIp(Pod p) {
        if (p.getStatus() == null || p.getStatus().getPodIP() == null) {
            throw new IllegalStateException("pod " + p.getMetadata().getName() + " has no IP yet");
        }
        return p.getStatus().getPodIP();
    }

    /** The pod a target names (a workload: its first ready pod by name). */
    Pod pod(Target t) {
        if (t.kind() == Target.Kind.POD) {
            Pod p = client.pods().inNamespace(t.namespace()).withName(t.name()).get();
            if (p == null) {
                throw new IllegalStateException("no pod " + t.namespace() + "/" + t.name());
            }
            return p;
        }
        if (t.kind() != Target.Kind.WORKLOAD) {
            throw new IllegalStateException(t + " is not a pod");
        }
        return client.pods().inNamespace(t.namespace()).list().getItems().stream()
                .filter(p -> p.getMetadata().getOwnerReferences().stream()
                        .anyMatch(r -> "ReplicaSet".equals(r.getKind()) && replicaSetOf(t.name(), r.getName())))
                .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
                .filter(DeploymentController::isReady)
                .sorted(java.util.Comparator.comparing(p -> p.getMetadata().getName()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("no ready pod of " + t));
    }

    /**
     * Whether a ReplicaSet name belongs to a Deployment (pure): {@code <deployment>-<pod-template-hash>}, the hash
     * without dashes (so {@code server-v2-...} is not {@code server}'s).
     */
    static boolean replicaSetOf(String deployment, String replicaSet) {
        if (!replicaSet.startsWith(deployment + "-")) {
            return false;
        }
        String hash = replicaSet.substring(deployment.length() + 1);
        return !hash.isEmpty() && hash.chars().allMatch(Character::isLetterOrDigit);
    }

    /** The pod of a pod or workload target; null for a node or outside. */
    private Pod podOf(Target t) {
        return t.kind() == Target.Kind.POD || t.kind() == Target.Kind.WORKLOAD ? pod(t) : null;
    }

    private String ipOf(Target t) {
        return switch (t.kind()) {
            case OUTSIDE -> cluster.outsideIp();
            case NODE -> cluster.nodeIp(t.name());
            default -> podIp(pod(t));
        };
    }

    private static void pause() {
        pause(POLL);
    }

    /** Waits between two polls of the API (the runner's loops have deadlines; this is their step). */
    static void pause(Duration poll) {
        try {
            Thread.sleep(poll);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}
