package io.ambient4j.conformance.scenario;

import io.ambient4j.conformance.echo.EchoImage;
import io.ambient4j.conformance.mesh.Manifests;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.LocalPortForward;
import io.fabric8.kubernetes.client.dsl.ExecWatch;
import java.io.IOException;
import java.io.InputStream;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real cluster (a kind cluster with the charts installed) as a {@link Cluster}, reached only through its API with
 * fabric8's client. Scenario objects are applied as given except for the echo app ({@link EchoRewrite}); namespaces
 * a scenario's objects live in are created when missing and deleted with the scenario; probes run in the client pod
 * by exec of the echo image's {@code probe} mode ({@link ProbeCommand}, answer in {@link ProbeWire}); ztunnel's
 * node-local metrics are read through the ztunnel pod's proxy subresource, its loopback-only admin API through a
 * port-forward to that pod, component logs through {@code pods/log}; the components are
 * the Helm install's istiod Deployment and the ztunnel and istio-cni-node DaemonSets in {@code istio-system}. What
 * needs a node is not attempted ({@link StepSupport}).
 */
public final class ExternalCluster implements Cluster {
    private static final System.Logger LOG = System.getLogger(ExternalCluster.class.getName());
    static final String SYSTEM_NAMESPACE = "istio-system";
    /** Time for the probe JVM to start in the pod, on top of the probe's own timeout. */
    static final Duration EXEC_SLACK = Duration.ofSeconds(60);

    private final KubernetesClient client;
    private final String echoImage;
    private final Duration cleanupTimeout;
    private Map<String, String> nodes;
    /** The local port of a port-forward: 0 lets fabric8 choose one (tests fix it to know the Host header). */
    private java.util.function.IntSupplier forwardLocalPort = () -> 0;

    public ExternalCluster(KubernetesClient client, String echoImage, Duration cleanupTimeout) {
        if (echoImage == null || echoImage.isBlank()) {
            throw new ExternalClusterException(
                    ExternalClusterException.Reason.USAGE,
                    "an external cluster needs the echo image (--image echo=<hub>/echo:<tag>)");
        }
        this.client = client;
        this.echoImage = echoImage;
        this.cleanupTimeout = cleanupTimeout;
    }

    /** Fixes the local port of port-forwards (tests). */
    ExternalCluster withForwardLocalPort(int port) {
        forwardLocalPort = () -> port;
        return this;
    }

    @Override
    public StepSupport.Mode mode() {
        return StepSupport.Mode.EXTERNAL;
    }

    @Override
    public KubernetesClient client() {
        return client;
    }

    /** {@code node-N} to the cluster's node names, read once. */
    Map<String, String> nodes() {
        if (nodes == null) {
            nodes = NodeNames.map(client.nodes().list().getItems());
        }
        return nodes;
    }

    @Override
    public Map<String, String> unavailableComponents() {
        Map<String, String> out = new LinkedHashMap<>();
        Deployment istiod = client.apps()
                .deployments()
                .inNamespace(SYSTEM_NAMESPACE)
                .withName("istiod")
                .get();
        int ready = istiod == null
                        || istiod.getStatus() == null
                        || istiod.getStatus().getReadyReplicas() == null
                ? 0
                : istiod.getStatus().getReadyReplicas();
        if (ready < 1) {
            out.put(
                    "istiod",
                    "istiod: Deployment " + SYSTEM_NAMESPACE + "/istiod "
                            + (istiod == null ? "does not exist" : "has no ready replica"));
        }
        daemonSet("ztunnel", "ztunnel").ifPresent(why -> out.put("ztunnel", why));
        daemonSet("cni", "istio-cni-node").ifPresent(why -> out.put("cni", why));
        return out;
    }

    private Optional<String> daemonSet(String component, String name) {
        DaemonSet ds = client.apps()
                .daemonSets()
                .inNamespace(SYSTEM_NAMESPACE)
                .withName(name)
                .get();
        if (ds == null) {
            return Optional.of(component + ": DaemonSet " + SYSTEM_NAMESPACE + "/" + name + " does not exist");
        }
        var st = ds.getStatus();
        int want = st == null || st.getDesiredNumberScheduled() == null ? 0 : st.getDesiredNumberScheduled();
        int ready = st == null || st.getNumberReady() == null ? 0 : st.getNumberReady();
        return want > 0 && ready >= want
                ? Optional.empty()
                : Optional.of(component + ": DaemonSet " + SYSTEM_NAMESPACE + "/" + name + " has " + ready + "/" + want
                        + " pods ready");
    }

    @Override
    public List<HasMetadata> apply(String yaml) {
        List<HasMetadata> objects = Manifests.parse(yaml);
        List<HasMetadata> applied = new ArrayList<>();
        Set<String> declared = new LinkedHashSet<>();
        objects.stream()
                .filter(h -> h instanceof Namespace)
                .forEach(h -> declared.add(h.getMetadata().getName()));
        for (HasMetadata h : objects) {
            String ns = h.getMetadata().getNamespace();
            if (ns == null && Kinds.namespaced(h.getKind())) {
                ns = "default";
                h.getMetadata().setNamespace(ns);
            }
            if (ns != null
                    && !declared.contains(ns)
                    && client.namespaces().withName(ns).get() == null) {
                // the scenario's own namespace, made here so it is deleted with the scenario
                applied.add(client.namespaces()
                        .resource(new NamespaceBuilder()
                                .withNewMetadata()
                                .withName(ns)
                                .endMetadata()
                                .build())
                        .create());
                declared.add(ns);
            }
            applied.add(Manifests.createOrUpdate(client, EchoRewrite.rewrite(h, echoImage, nodes())));
        }
        return applied;
    }

    @Override
    public void stopComponent(String instance) {
        throw nodeAccess("stopping " + instance);
    }

    @Override
    public Optional<String> startComponent(String instance) {
        throw nodeAccess("starting " + instance);
    }

    @Override
    public Outcome connect(
            Scenario.Target from,
            Pod pod,
            String url,
            String method,
            Map<String, String> headers,
            String send,
            Duration timeout) {
        if (pod == null) {
            if (from.kind() == Scenario.Target.Kind.NODE && StepSupport.ztunnelLocal(url)) {
                return viaZtunnelPod(from.name(), url);
            }
            throw nodeAccess("a connection from " + from);
        }
        List<String> cmd = EchoImage.probeExec(new ProbeCommand(url, method, headers, send, timeout).args());
        return ProbeWire.decode(exec(pod, cmd, timeout.plus(EXEC_SLACK)));
    }

    /** Runs {@code cmd} in the pod's echo container; its stdout, or an {@link ExternalClusterException}. */
    String exec(Pod pod, List<String> cmd, Duration deadline) {
        String ns = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        String container = echoContainer(pod);
        AtomicReference<String> out = new AtomicReference<>("");
        AtomicReference<String> err = new AtomicReference<>("");
        try (ExecWatch w = client.pods()
                .inNamespace(ns)
                .withName(name)
                .inContainer(container)
                .redirectingOutput()
                .redirectingError()
                .exec(cmd.toArray(String[]::new))) {
            Thread readOut = Thread.ofVirtual().start(() -> out.set(readAll(w.getOutput())));
            Thread readErr = Thread.ofVirtual().start(() -> err.set(readAll(w.getError())));
            Integer code = w.exitCode().get(deadline.toMillis(), TimeUnit.MILLISECONDS);
            readOut.join(Duration.ofSeconds(5));
            readErr.join(Duration.ofSeconds(5));
            if (code == null || code != 0) {
                throw new ExternalClusterException(
                        ExternalClusterException.Reason.EXEC,
                        "exec in " + ns + "/" + name + " exited " + code + ": "
                                + err.get().strip());
            }
            return out.get();
        } catch (TimeoutException e) {
            throw new ExternalClusterException(
                    ExternalClusterException.Reason.EXEC,
                    "exec in " + ns + "/" + name + " did not finish within " + deadline.toSeconds() + "s",
                    e);
        } catch (ExecutionException | KubernetesClientException e) {
            throw new ExternalClusterException(
                    ExternalClusterException.Reason.EXEC,
                    "exec in " + ns + "/" + name + " failed: " + e.getMessage(),
                    e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ExternalClusterException(ExternalClusterException.Reason.EXEC, "interrupted", e);
        }
    }

    private String echoContainer(Pod pod) {
        List<Container> cs = pod.getSpec().getContainers();
        return cs.stream()
                .filter(c -> echoImage.equals(c.getImage()))
                .findFirst()
                .orElse(cs.getFirst())
                .getName();
    }

    private static String readAll(InputStream in) {
        if (in == null) {
            return "";
        }
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /**
     * A GET of ztunnel's node-local endpoint ({@code http://127.0.0.1:15020/metrics}, {@code :15000/config_dump}) on
     * a node: the ztunnel pod there, through the API's pod proxy subresource.
     */
    private Outcome viaZtunnelPod(String scenarioNode, String url) {
        Pod ztunnel = componentPod("ztunnel", scenarioNode);
        URI u = URI.create(url);
        int port = u.getPort() > 0 ? u.getPort() : 80;
        if (!reachableOnPodIp(port)) {
            return viaPortForward(ztunnel, port, u);
        }
        String path = proxyPath(ztunnel.getMetadata().getName(), url);
        try {
            String body = client.raw(path);
            return body == null ? Outcome.http(404, Map.of(), "") : Outcome.http(200, Map.of(), body);
        } catch (KubernetesClientException e) {
            return e.getCode() > 0
                    ? Outcome.http(e.getCode(), Map.of(), String.valueOf(e.getMessage()))
                    : Outcome.failed("other", "proxy GET " + path + ": " + e.getMessage());
        }
    }

    /**
     * Whether a ztunnel port listens on the pod's address, so the API's pod proxy (which dials the pod IP) reaches it
     * (pure): readiness 15021 and stats 15020 bind every address; the admin API (15000) binds 127.0.0.1 only, as
     * upstream's, and is reached by port-forward, which connects inside the pod's network namespace.
     */
    static boolean reachableOnPodIp(int port) {
        return port == 15020 || port == 15021;
    }

    /** A GET through a port-forward to the ztunnel pod (its loopback-only admin port), with the probe's client. */
    private Outcome viaPortForward(Pod ztunnel, int port, URI u) {
        String path = (u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath())
                + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        var podOps = client.pods()
                .inNamespace(SYSTEM_NAMESPACE)
                .withName(ztunnel.getMetadata().getName());
        int local = forwardLocalPort.getAsInt();
        try (LocalPortForward pf = local == 0 ? podOps.portForward(port) : podOps.portForward(port, local)) {
            return Probe.here()
                    .run(
                            null,
                            "http://127.0.0.1:" + pf.getLocalPort() + path,
                            "GET",
                            Map.of(),
                            null,
                            Duration.ofSeconds(5));
        } catch (IOException | KubernetesClientException e) {
            return Outcome.failed(
                    "other", "port-forward to " + ztunnel.getMetadata().getName() + ":" + port + ": " + e);
        }
    }

    /** The API path of a GET to {@code url} in a pod of istio-system, by the pod proxy subresource (pure). */
    static String proxyPath(String pod, String url) {
        URI u = URI.create(url);
        String path = u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath();
        String query = u.getRawQuery() == null ? "" : "?" + u.getRawQuery();
        int port = u.getPort() > 0 ? u.getPort() : 80;
        return "/api/v1/namespaces/" + SYSTEM_NAMESPACE + "/pods/" + pod + ":" + port + "/proxy" + path + query;
    }

    /**
     * The log of the component's pod through the API ({@code pods/log}): istiod's first pod (label {@code app=istiod}),
     * or the ztunnel ({@code app=ztunnel}) or CNI agent ({@code k8s-app=istio-cni-node}) pod on the node.
     */
    @Override
    public String componentLog(String component, String scenarioNode) {
        return client.pods()
                .inNamespace(SYSTEM_NAMESPACE)
                .withName(componentPod(component, scenarioNode).getMetadata().getName())
                .getLog();
    }

    /** The pod of a component (on a node, by its scenario name; istiod: the first by name). */
    Pod componentPod(String component, String scenarioNode) {
        Map.Entry<String, String> label = switch (component) {
            case "istiod" -> Map.entry("app", "istiod");
            case "ztunnel" -> Map.entry("app", "ztunnel");
            case "cni" -> Map.entry("k8s-app", "istio-cni-node");
            default -> throw new IllegalArgumentException("no component " + component);
        };
        String node = scenarioNode == null ? null : nodes().get(scenarioNode);
        if (scenarioNode != null && node == null) {
            throw new ExternalClusterException(
                    ExternalClusterException.Reason.NO_SUCH_NODE, "no " + scenarioNode + " in " + nodes());
        }
        return client
                .pods()
                .inNamespace(SYSTEM_NAMESPACE)
                .withLabel(label.getKey(), label.getValue())
                .list()
                .getItems()
                .stream()
                .filter(p -> node == null || node.equals(p.getSpec().getNodeName()))
                .min(java.util.Comparator.comparing(p -> p.getMetadata().getName()))
                .orElseThrow(() -> new ExternalClusterException(
                        ExternalClusterException.Reason.PROXY,
                        "no " + component + " pod (" + label.getKey() + "=" + label.getValue() + ")"
                                + (node == null ? "" : " on node " + node)));
    }

    @Override
    public String iptablesSave(Scenario.Target where, Pod pod, String table) {
        throw nodeAccess("iptables-save for " + where);
    }

    @Override
    public String nodeIp(String scenarioNode) {
        String name = nodes().get(scenarioNode);
        Node n = name == null ? null : client.nodes().withName(name).get();
        if (n == null) {
            throw new ExternalClusterException(
                    ExternalClusterException.Reason.NO_SUCH_NODE, "no " + scenarioNode + " in " + nodes());
        }
        return n.getStatus().getAddresses().stream()
                .filter(a -> "InternalIP".equals(a.getType()))
                .map(NodeAddress::getAddress)
                .findFirst()
                .orElseThrow(() -> new ExternalClusterException(
                        ExternalClusterException.Reason.NO_SUCH_NODE, "node " + name + " has no InternalIP"));
    }

    @Override
    public String outsideIp() {
        throw nodeAccess("the address of 'outside'");
    }

    private static ExternalClusterException nodeAccess(String what) {
        return new ExternalClusterException(
                ExternalClusterException.Reason.USAGE,
                what + " " + StepSupport.NODE_ACCESS + " (not in external mode)");
    }

    /**
     * Deletes what the scenario applied, newest first, and waits (up to the cleanup timeout) until its namespaces
     * and pods are gone: a real API server deletes a namespace's contents itself, asynchronously.
     */
    @Override
    public void cleanup(List<Scenario.ObjectRef> applied) {
        for (Scenario.ObjectRef ref : applied.reversed()) {
            try {
                ObjectAccess.delete(client, ref);
            } catch (RuntimeException e) {
                LOG.log(Level.DEBUG, "deleting {0}: {1}", ref, e.getMessage());
            }
        }
        Instant deadline = Instant.now().plus(cleanupTimeout);
        List<Scenario.ObjectRef> waitFor = applied.stream()
                .filter(r -> r.kind().equals("Namespace") || r.kind().equals("Pod"))
                .toList();
        while (true) {
            List<Scenario.ObjectRef> left = waitFor.stream()
                    .filter(r -> ObjectAccess.get(client, r) != null)
                    .toList();
            if (left.isEmpty()) {
                return;
            }
            if (Instant.now().isAfter(deadline)) {
                LOG.log(Level.WARNING, "still deleting after {0}s: {1}", cleanupTimeout.toSeconds(), left);
                return;
            }
            ScenarioRunner.pause(Duration.ofMillis(500));
        }
    }
}
