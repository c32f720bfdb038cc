package io.ambient4j.conformance.mesh;

import io.ambient4j.common.net.NetnsExecutor;
import io.ambient4j.conformance.kubelet.CniHook;
import io.ambient4j.conformance.kubelet.ConflistCniHook;
import io.ambient4j.conformance.kubelet.DeploymentController;
import io.ambient4j.conformance.kubelet.Kubelet;
import io.ambient4j.conformance.launch.ComponentLauncher;
import io.ambient4j.conformance.launch.ComponentSpec;
import io.ambient4j.conformance.launch.JavaMainLauncher;
import io.ambient4j.conformance.launch.LaunchContext;
import io.ambient4j.conformance.launch.ProcessSupervisor;
import io.ambient4j.conformance.launch.Readiness;
import io.ambient4j.conformance.mesh.Topology.NodePlan;
import io.ambient4j.conformance.services.DnsServer;
import io.ambient4j.conformance.services.ServiceController;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A local mesh on one Linux machine: the API server, the node and pod namespaces, the harness kubelet
 * (pods, Deployments), services (VIPs, EndpointSlices, kube-proxy rules, DNS) and, when available, the
 * mesh components. {@link #close()} undoes everything, and a shutdown hook does so on Ctrl-C; what was
 * made is journalled in {@code /run/ambient4j/<prefix>/state} first so {@code mesh-down} can clean up
 * after a crash.
 */
public final class MeshHarness implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(MeshHarness.class.getName());
    /** How long a launched component may take to answer its readiness endpoint (JVM start on a busy box). */
    static final java.time.Duration READY_TIMEOUT = java.time.Duration.ofSeconds(120);
    /** A runtime's per-plugin deadline for a CNI call (istio-cni's own is 5 s). */
    static final java.time.Duration CNI_TIMEOUT = java.time.Duration.ofSeconds(10);

    private final MeshConfig config;
    private final Topology topology;
    private final StateFile state;
    private final List<AutoCloseable> closeOrder = new ArrayList<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Map<String, String> unavailable = new LinkedHashMap<>();
    /** Components by instance name (e.g. {@code ztunnel-node-1}) with their current process, for restarts. */
    private final Map<String, Map.Entry<ComponentSpec, Process>> components =
            new java.util.concurrent.ConcurrentHashMap<>();

    private ProcessSupervisor supervisor;
    private Thread hook;
    private ApiServer api;
    private KubernetesClient client;
    private NetnsExecutor executor;
    private Kubelet kubelet;
    private Path nodeKubeconfig;

    private MeshHarness(MeshConfig config) {
        this.config = config;
        this.topology = Topology.of(config.prefix(), config.nodes());
        this.state = StateFile.create(config.prefix());
        state.record("owner", StateFile.processId(ProcessHandle.current()));
    }

    /** Brings a mesh up; on any failure everything made so far is removed and the error rethrown. */
    public static MeshHarness start(MeshConfig config) {
        Preflight.check();
        if (config.kubeconfig() != null) {
            throw new MeshException(
                    MeshException.Reason.API_SERVER,
                    "a local mesh runs its own embedded API server, not " + config.kubeconfig()
                            + ": to run the scenarios on a real cluster use the runner's external mode"
                            + " (Conformance --kubeconfig <file> --image echo=<ref>, conformance/README.md)");
        }
        MeshHarness h = new MeshHarness(config);
        h.hook = new Thread(h::close, "mesh-down-" + config.prefix());
        Runtime.getRuntime().addShutdownHook(h.hook);
        try {
            h.up();
            return h;
        } catch (RuntimeException | IOException e) {
            h.close();
            throw e instanceof MeshException me ? me : new MeshException(MeshException.Reason.NETWORK, e.toString(), e);
        }
    }

    private void up() throws IOException {
        api = ApiServer.embedded(state.dir());
        closeOrder.add(api::close);
        client = api.newClient();
        closeOrder.add(client::close);
        MeshCrds.install(client);
        for (String ns : List.of("default", "kube-system", "istio-system")) {
            client.namespaces()
                    .resource(new NamespaceBuilder()
                            .withNewMetadata()
                            .withName(ns)
                            .endMetadata()
                            .build())
                    .createOr(NonDeletingOperation::update);
        }
        NodeNetwork network = new NodeNetwork(topology, state);
        network.create();
        for (NodePlan n : topology.nodes()) {
            client.nodes().resource(nodeObject(n)).createOr(NonDeletingOperation::update);
        }
        InstallObjects.apply(client, topology.nodes().size());
        executor = NetnsExecutor.start("mesh-" + config.prefix());
        closeOrder.add(executor::close);
        int apiPort = Integer.parseInt(api.url().substring(api.url().lastIndexOf(':') + 1));
        List<String> proxyNetns = new ArrayList<>();
        proxyNetns.add(topology.underlayNetns());
        topology.nodes().forEach(n -> proxyNetns.add(n.netns()));
        for (String ns : proxyNetns) {
            NetnsRelay relay = NetnsRelay.start(
                    executor, ns, Topology.API_RELAY_PORT, new InetSocketAddress("127.0.0.1", apiPort));
            closeOrder.add(relay);
        }
        nodeKubeconfig = ApiServer.writeKubeconfig(
                state.dir().resolve("kubeconfig-node"), "http://127.0.0.1:" + Topology.API_RELAY_PORT);
        ServiceController services = new ServiceController(client, proxyNetns);
        services.start();
        closeOrder.add(services);
        for (NodePlan n : topology.nodes()) {
            closeOrder.add(DnsServer.start(executor, n.netns(), n.gateway(), services::dns));
        }
        DeploymentController deployments = new DeploymentController(client);
        deployments.start();
        closeOrder.add(deployments);
        for (NodePlan n : topology.nodes()) {
            writePrimaryConflist(state.dir().resolve(n.name()).resolve("net.d"));
        }
        CniHook cni = config.cni() != null ? config.cni() : new ConflistCniHook(state.dir(), CNI_TIMEOUT);
        // Before the kubelet: it starts waypoint proxies through the supervisor, and is closed (stopping them) first.
        supervisor = new ProcessSupervisor(state);
        closeOrder.add(supervisor);
        kubelet = new Kubelet(client, topology, network, executor, cni, waypointRunner(), state);
        kubelet.start();
        closeOrder.add(kubelet);
        if (config.manifests() != null) {
            int n = Manifests.applyDir(client, config.manifests());
            LOG.log(Level.INFO, "applied {0} objects from {1}", n, config.manifests());
        }
        LaunchContext ctx = new LaunchContext(topology, state.dir(), api.kubeconfig(), nodeKubeconfig);
        // istiod is started and awaited first (the node components connect to it); the node components
        // are then started together and awaited (ztunnel and the CNI agent wait for each other's socket).
        List<Map.Entry<ComponentSpec, Process>> started = new ArrayList<>();
        for (ComponentLauncher launcher : JavaMainLauncher.known()) {
            Optional<String> why = launcher.unavailable();
            if (why.isPresent()) {
                unavailable.put(launcher.component(), why.get());
            } else if (config.components() == null || config.components().contains(launcher.component())) {
                if (launcher.component().equals("waypoint")) {
                    // not a process of its own at mesh start: the kubelet runs one per waypoint pod
                    continue;
                }
                if (launcher.component().equals("ztunnel")) {
                    Optional<String> notReady = prepareZtunnel();
                    if (notReady.isPresent()) {
                        unavailable.put("ztunnel", notReady.get());
                        continue;
                    }
                }
                for (ComponentSpec spec : launcher.plan(ctx)) {
                    Map.Entry<ComponentSpec, Process> e = Map.entry(spec, supervisor.start(spec));
                    started.add(e);
                    components.put(spec.instance(), e);
                }
                if (launcher.component().equals("istiod")) {
                    awaitReady(started);
                    started.clear();
                }
            } else {
                unavailable.put(launcher.component(), launcher.component() + " was not asked to start");
            }
        }
        awaitReady(started);
    }

    /**
     * Runs {@code io.ambient4j.waypoint.Main} for waypoint pods when the waypoint is built (and asked for), so the
     * waypoints istiod renders become real proxies; otherwise such pods run the echo app like any other.
     */
    private io.ambient4j.conformance.kubelet.ProxyRunner waypointRunner() {
        String cp = System.getenv("A4J_WAYPOINT_CP");
        boolean wanted = config.components() == null || config.components().contains("waypoint");
        boolean built = JavaMainLauncher.known().stream()
                .anyMatch(
                        l -> l.component().equals("waypoint") && l.unavailable().isEmpty());
        if (!wanted || !built || api.tokens().isEmpty()) {
            return io.ambient4j.conformance.kubelet.ProxyRunner.NONE;
        }
        return new io.ambient4j.conformance.launch.WaypointPods(
                client, api.tokens().get(), supervisor, state, cp);
    }

    /** Token, pod object and root cert for each node's ztunnel; empty when done, else why not. */
    private Optional<String> prepareZtunnel() throws IOException {
        if (api.tokens().isEmpty()) {
            return Optional.of("ztunnel needs a token the API server accepts; only the embedded one mints them");
        }
        if (unavailable.containsKey("istiod")) {
            return Optional.of("ztunnel needs istiod, which is not running");
        }
        try {
            ZtunnelIdentity.prepare(client, api.tokens().get(), topology, state.dir(), READY_TIMEOUT);
            return Optional.empty();
        } catch (MeshException e) {
            return Optional.of(e.getMessage());
        }
    }

    /** The node's primary network (the harness bridge) that a runtime finds and istio-cni chains into. */
    private static void writePrimaryConflist(Path netD) throws IOException {
        Files.createDirectories(netD);
        Path primary = netD.resolve(JavaMainLauncher.PRIMARY_CONFLIST);
        if (!Files.exists(primary)) {
            Files.writeString(primary, JavaMainLauncher.primaryConflist());
        }
    }

    private void awaitReady(List<Map.Entry<ComponentSpec, Process>> started) {
        // one shared deadline: the processes start in parallel, so they are awaited in parallel
        java.time.Instant deadline = java.time.Instant.now().plus(READY_TIMEOUT);
        for (var e : started) {
            java.time.Duration left = java.time.Duration.between(java.time.Instant.now(), deadline);
            String notReady = Readiness.await(
                    executor, e.getKey(), e.getValue(), left.isNegative() ? java.time.Duration.ZERO : left);
            if (notReady != null) {
                unavailable.put(e.getKey().component(), notReady);
                LOG.log(Level.WARNING, "{0}", notReady);
            } else {
                LOG.log(Level.INFO, "{0} is ready", e.getKey().instance());
            }
        }
    }

    static Node nodeObject(NodePlan n) {
        return new NodeBuilder()
                .withNewMetadata()
                .withName(n.name())
                .withLabels(Map.of(
                        "kubernetes.io/hostname",
                        n.name(),
                        "kubernetes.io/os",
                        "linux",
                        "topology.kubernetes.io/region",
                        "local",
                        "topology.kubernetes.io/zone",
                        "local-" + n.index()))
                .endMetadata()
                .withNewSpec()
                .withPodCIDR(n.podCidr())
                .withPodCIDRs(n.podCidr())
                .endSpec()
                .withNewStatus()
                .addNewAddress()
                .withType("InternalIP")
                .withAddress(n.nodeIp())
                .endAddress()
                .addNewAddress()
                .withType("Hostname")
                .withAddress(n.name())
                .endAddress()
                .addNewCondition()
                .withType("Ready")
                .withStatus("True")
                .endCondition()
                .endStatus()
                .build();
    }

    public Topology topology() {
        return topology;
    }

    public KubernetesClient client() {
        return client;
    }

    public ApiServer api() {
        return api;
    }

    public Path runDir() {
        return state.dir();
    }

    public Path nodeKubeconfig() {
        return nodeKubeconfig;
    }

    public NetnsExecutor executor() {
        return executor;
    }

    public Kubelet kubelet() {
        return kubelet;
    }

    /** Instance names of the components this mesh started (e.g. {@code istiod}, {@code cni-node-1}). */
    public java.util.Set<String> componentInstances() {
        return java.util.Set.copyOf(components.keySet());
    }

    /**
     * Stops one component as a node losing it would (SIGTERM, then SIGKILL after 10 s): a DaemonSet pod deleted, a
     * crash, the first half of an upgrade. Does nothing when it is not running.
     */
    public void stopComponent(String instance) {
        Map.Entry<ComponentSpec, Process> e = component(instance);
        supervisor.stop(e.getValue());
        LOG.log(Level.INFO, "{0} stopped", instance);
    }

    /**
     * Starts a stopped component again with the same command and environment (its log continues) and waits until it
     * is ready; a running one is left alone. Returns why it did not become ready, or empty.
     */
    public Optional<String> startComponent(String instance) {
        Map.Entry<ComponentSpec, Process> e = component(instance);
        if (e.getValue().isAlive()) {
            return Optional.empty();
        }
        Process p = supervisor.start(e.getKey());
        components.put(instance, Map.entry(e.getKey(), p));
        String notReady = Readiness.await(executor, e.getKey(), p, READY_TIMEOUT);
        LOG.log(Level.INFO, "{0} started again: {1}", instance, notReady == null ? "ready" : notReady);
        return Optional.ofNullable(notReady);
    }

    private Map.Entry<ComponentSpec, Process> component(String instance) {
        Map.Entry<ComponentSpec, Process> e = components.get(instance);
        if (e == null) {
            throw new MeshException(
                    MeshException.Reason.LAUNCH,
                    "no component instance '" + instance + "' in this mesh (there are "
                            + new java.util.TreeSet<>(components.keySet()) + ")");
        }
        return e;
    }

    /** Components that are not running, with the reason (scenarios requiring them are skipped). */
    public Map<String, String> unavailableComponents() {
        return Map.copyOf(unavailable);
    }

    /** A printable summary for {@code make mesh-up}. */
    public String describe() {
        StringBuilder b = new StringBuilder();
        b.append("ambient4j local mesh '").append(topology.prefix()).append("' is up\n");
        b.append("  API server:   ").append(api.url()).append('\n');
        b.append("  kubeconfig:   ")
                .append(api.kubeconfig())
                .append("  (inside a node netns: ")
                .append(nodeKubeconfig)
                .append(")\n");
        b.append("  underlay:     netns ")
                .append(topology.underlayNetns())
                .append(' ')
                .append(Topology.UNDERLAY_IP)
                .append(" (outside the cluster)\n");
        for (NodePlan n : topology.nodes()) {
            b.append("  ")
                    .append(n.name())
                    .append(":       netns ")
                    .append(n.netns())
                    .append(", node IP ")
                    .append(n.nodeIp())
                    .append(", pod CIDR ")
                    .append(n.podCidr())
                    .append(", DNS ")
                    .append(n.gateway())
                    .append(":53\n");
        }
        b.append("  services:     ClusterIPs from ")
                .append(Topology.SERVICE_CIDR)
                .append('\n');
        unavailable.forEach((c, why) ->
                b.append("  ").append(c).append(": not running (").append(why).append(")\n"));
        b.append("  run in a pod: ip netns exec ").append(topology.prefix()).append("-<namespace>-<pod> <command>\n");
        b.append("  list pods:    ip netns list | grep ^")
                .append(topology.prefix())
                .append('-')
                .append('\n');
        return b.toString();
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        for (AutoCloseable c : closeOrder.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                LOG.log(Level.WARNING, "mesh shutdown step failed: {0}", e.toString());
            }
        }
        keepLogs();
        List<String> undone = StateFile.undo(state.dir());
        LOG.log(Level.INFO, "mesh {0} down: {1} items removed", topology.prefix(), undone.size());
        if (hook != null && Thread.currentThread() != hook) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException ignored) {
                // already shutting down
            }
        }
    }

    /** Copies component logs to {@code $A4J_LOG_DIR} (if set) before the run directory goes away. */
    private void keepLogs() {
        String target = System.getenv("A4J_LOG_DIR");
        if (target == null || target.isBlank()) {
            return;
        }
        try (var logs = Files.list(state.dir())) {
            Path dir = Files.createDirectories(Path.of(target));
            for (Path log : logs.filter(p -> p.toString().endsWith(".log")).toList()) {
                Files.copy(log, dir.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            LOG.log(Level.WARNING, "cannot keep component logs in {0}: {1}", target, e.getMessage());
        }
    }

    /** Whether a file exists (used by checks on run-dir artefacts). */
    static boolean exists(Path p) {
        return Files.exists(p);
    }
}
