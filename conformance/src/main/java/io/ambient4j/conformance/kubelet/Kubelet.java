package io.ambient4j.conformance.kubelet;

import io.ambient4j.common.net.NetnsExecutor;
import io.ambient4j.conformance.echo.EchoServer;
import io.ambient4j.conformance.mesh.NodeNetwork;
import io.ambient4j.conformance.mesh.PauseProcess;
import io.ambient4j.conformance.mesh.StateFile;
import io.ambient4j.conformance.mesh.Topology;
import io.ambient4j.conformance.mesh.Topology.NodePlan;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.HostIP;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The harness's kubelet for all simulated nodes: it schedules unscheduled pods ({@code spec.nodeName}),
 * realises each as a network namespace on its node's bridge, runs the CNI hook, serves the container
 * ports with the echo app, and reports the pod Running and Ready with its IP. When the pod object goes
 * away (or is replaced by one with another uid) the echo app stops, CNI DEL runs and the namespace is
 * deleted. The informer handler only enqueues; one worker does everything, so it is the only writer of
 * {@link #realised} and the IP pools.
 */
public final class Kubelet implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Kubelet.class.getName());
    /** How long a pod whose start failed (e.g. CNI ADD) waits before the next attempt. */
    static final java.time.Duration RETRY = java.time.Duration.ofSeconds(5);

    /**
     * A pod the kubelet made real: its container is the echo app, or (a waypoint pod) a proxy process started by
     * the {@link ProxyRunner}; exactly one of {@code echo} and {@code proxy} is set.
     */
    public record RealisedPod(
            String uid,
            String node,
            String netns,
            String ip,
            EchoServer echo,
            PauseProcess pause,
            AutoCloseable proxy) {}

    private final KubernetesClient client;
    private final Topology topology;
    private final NodeNetwork network;
    private final NetnsExecutor executor;
    private final CniHook cni;
    private final ProxyRunner proxies;
    private final StateFile state;
    private final Map<String, IpPool> pools = new HashMap<>();
    private final Map<String, RealisedPod> realised = new java.util.concurrent.ConcurrentHashMap<>();
    private final WorkQueue queue;
    /** Pods whose start failed, by key: the uid and when to try again (kubelet-style back-off). */
    private final Map<String, Map.Entry<String, Instant>> backoff = new HashMap<>();

    private SharedIndexInformer<Pod> informer;

    public Kubelet(
            KubernetesClient client,
            Topology topology,
            NodeNetwork network,
            NetnsExecutor executor,
            CniHook cni,
            StateFile state) {
        this(client, topology, network, executor, cni, ProxyRunner.NONE, state);
    }

    public Kubelet(
            KubernetesClient client,
            Topology topology,
            NodeNetwork network,
            NetnsExecutor executor,
            CniHook cni,
            ProxyRunner proxies,
            StateFile state) {
        this.proxies = proxies;
        this.client = client;
        this.topology = topology;
        this.network = network;
        this.executor = executor;
        this.cni = cni;
        this.state = state;
        for (NodePlan n : topology.nodes()) {
            pools.put(n.name(), new IpPool(n.podCidr()));
        }
        this.queue = new WorkQueue("kubelet", this::reconcile);
    }

    public void start() {
        informer = client.pods().inAnyNamespace().inform(new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                queue.add(key(pod));
            }

            @Override
            public void onUpdate(Pod oldPod, Pod pod) {
                queue.add(key(pod));
            }

            @Override
            public void onDelete(Pod pod, boolean unknown) {
                queue.add(key(pod));
            }
        });
    }

    /** The realised pod for {@code namespace/name}, if any (read-only view for checks). */
    public Optional<RealisedPod> realised(String namespace, String name) {
        return Optional.ofNullable(realised.get(namespace + "/" + name));
    }

    static String key(Pod pod) {
        return pod.getMetadata().getNamespace() + "/" + pod.getMetadata().getName();
    }

    private void reconcile(String key) {
        Pod pod = informer.getIndexer().getByKey(key);
        RealisedPod current = realised.get(key);
        boolean gone = pod == null || pod.getMetadata().getDeletionTimestamp() != null;
        if (current != null && (gone || !current.uid().equals(pod.getMetadata().getUid()))) {
            teardown(key, current);
            current = null;
        }
        if (gone || current != null) {
            backoff.remove(key);
            return;
        }
        var failed = backoff.get(key);
        if (failed != null
                && failed.getKey().equals(pod.getMetadata().getUid())
                && Instant.now().isBefore(failed.getValue())) {
            return;
        }
        if (Boolean.TRUE.equals(pod.getSpec().getHostNetwork())) {
            LOG.log(Level.INFO, "hostNetwork pod {0} is not realised by the harness", key);
            return;
        }
        String node = pod.getSpec().getNodeName();
        if (node == null || node.isEmpty()) {
            Optional<String> chosen = Scheduler.choose(
                    null,
                    pod.getSpec().getNodeSelector(),
                    topology.nodes().stream().map(NodePlan::name).toList(),
                    podsPerNode());
            if (chosen.isEmpty()) {
                LOG.log(Level.WARNING, "pod {0} fits no node", key);
                return;
            }
            node = chosen.get();
            String n = node;
            pod = client.pods()
                    .inNamespace(pod.getMetadata().getNamespace())
                    .withName(pod.getMetadata().getName())
                    .edit(p -> {
                        p.getSpec().setNodeName(n);
                        return p;
                    });
        } else if (!nodeExists(node)) {
            LOG.log(Level.WARNING, "pod {0} is bound to unknown node {1}", key, node);
            return;
        }
        realise(key, pod, topology.node(node));
    }

    private boolean nodeExists(String node) {
        return topology.nodes().stream().anyMatch(p -> p.name().equals(node));
    }

    private Map<String, Integer> podsPerNode() {
        Map<String, Integer> counts = new HashMap<>();
        for (RealisedPod p : realised.values()) {
            counts.merge(p.node(), 1, Integer::sum);
        }
        return counts;
    }

    private void realise(String key, Pod pod, NodePlan node) {
        String ns = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        String netns = topology.podNetns(ns, name);
        String ip = pools.get(node.name()).allocate();
        EchoServer echo = null;
        PauseProcess pause = null;
        AutoCloseable proxy = null;
        try {
            network.addPod(node, netns, ip, ns);
            // the sandbox's process, as a runtime's infra container: agents find running pods' netns by it
            pause = PauseProcess.start(
                    state, topology.prefix(), netns, pod.getMetadata().getUid());
            CniRequest request = cniRequest(pod, netns, ip, node);
            cni.add(request);
            if (proxies.handles(pod)) {
                proxy = proxies.start(pod, netns, ip, node);
            } else {
                echo = EchoServer.start(executor, netns, name, ns, ports(pod));
            }
            realised.put(key, new RealisedPod(pod.getMetadata().getUid(), node.name(), netns, ip, echo, pause, proxy));
            PodStatus status = runningStatus(pod, ip, node.nodeIp(), Instant.now());
            client.pods().inNamespace(ns).withName(name).editStatus(p -> {
                p.setStatus(status);
                return p;
            });
            LOG.log(Level.INFO, "pod {0} running on {1} as {2} ({3})", key, node.name(), ip, netns);
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.WARNING, "pod " + key + " failed to start", e);
            if (echo != null) {
                echo.close();
            }
            closeProxy(key, proxy);
            if (pause != null) {
                pause.stop();
            }
            realised.remove(key);
            network.removePod(netns);
            pools.get(node.name()).release(ip);
            backoff.put(key, Map.entry(pod.getMetadata().getUid(), Instant.now().plus(RETRY)));
            Thread.ofVirtual().start(() -> {
                try {
                    Thread.sleep(RETRY.plusMillis(50));
                    queue.add(key);
                } catch (InterruptedException ignored) {
                    // shutting down
                }
            });
            reportFailure(pod, e);
        }
    }

    private void reportFailure(Pod pod, Exception e) {
        try {
            client.pods()
                    .inNamespace(pod.getMetadata().getNamespace())
                    .withName(pod.getMetadata().getName())
                    .editStatus(p -> {
                        p.setStatus(new PodStatusBuilder()
                                .withPhase("Pending")
                                .withReason(e instanceof CniException ? "FailedCreatePodSandBox" : "FailedStart")
                                .withMessage(String.valueOf(e.getMessage()))
                                .build());
                        return p;
                    });
        } catch (RuntimeException ignored) {
            // the pod may be gone already
        }
    }

    static CniRequest cniRequest(Pod pod, String netns, String ip, NodePlan node) {
        return new CniRequest(
                "a4j-" + pod.getMetadata().getUid(),
                "/var/run/netns/" + netns,
                "eth0",
                pod.getMetadata().getNamespace(),
                pod.getMetadata().getName(),
                pod.getMetadata().getUid(),
                ip,
                24,
                node.gateway(),
                node.name());
    }

    /** The container ports to serve (pure): every TCP containerPort of every container. */
    static List<EchoServer.Port> ports(Pod pod) {
        List<EchoServer.Port> ports = new ArrayList<>();
        pod.getSpec().getContainers().forEach(c -> {
            for (ContainerPort p : c.getPorts()) {
                if (p.getProtocol() == null || p.getProtocol().equals("TCP")) {
                    ports.add(new EchoServer.Port(p.getName(), p.getContainerPort()));
                }
            }
        });
        return ports;
    }

    /** The status of a started pod (pure). */
    static PodStatus runningStatus(Pod pod, String ip, String hostIp, Instant now) {
        String ts = now.toString();
        List<PodCondition> conditions = new ArrayList<>();
        for (String type :
                List.of("PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled")) {
            conditions.add(new PodConditionBuilder()
                    .withType(type)
                    .withStatus("True")
                    .withLastTransitionTime(ts)
                    .build());
        }
        var containerStatuses = pod.getSpec().getContainers().stream()
                .map(c -> new ContainerStatusBuilder()
                        .withName(c.getName())
                        .withImage(c.getImage())
                        .withReady(true)
                        .withStarted(true)
                        .withRestartCount(0)
                        .withNewState()
                        .withNewRunning()
                        .withStartedAt(ts)
                        .endRunning()
                        .endState()
                        .build())
                .toList();
        return new PodStatusBuilder()
                .withPhase("Running")
                .withPodIP(ip)
                .withPodIPs(new PodIP(ip))
                .withHostIP(hostIp)
                .withHostIPs(new HostIP(hostIp))
                .withStartTime(ts)
                .withConditions(conditions)
                .withContainerStatuses(containerStatuses)
                .build();
    }

    private static void closeProxy(String key, AutoCloseable proxy) {
        if (proxy == null) {
            return;
        }
        try {
            proxy.close();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "stopping the proxy of " + key + " failed", e);
        }
    }

    private void teardown(String key, RealisedPod pod) {
        if (pod.echo() != null) {
            pod.echo().close();
        }
        closeProxy(key, pod.proxy());
        pod.pause().stop();
        String[] parts = key.split("/", 2);
        cni.del(new CniRequest(
                "a4j-" + pod.uid(),
                "/var/run/netns/" + pod.netns(),
                "eth0",
                parts[0],
                parts[1],
                pod.uid(),
                pod.ip(),
                24,
                topology.node(pod.node()).gateway(),
                pod.node()));
        network.removePod(pod.netns());
        pools.get(pod.node()).release(pod.ip());
        realised.remove(key);
        LOG.log(Level.INFO, "pod {0} removed ({1})", key, pod.netns());
    }

    /** Every realised pod (for shutdown and reporting). */
    public Map<String, RealisedPod> realisedPods() {
        return Map.copyOf(realised);
    }

    @Override
    public void close() {
        if (informer != null) {
            informer.close();
        }
        queue.close();
        for (var e : Map.copyOf(realised).entrySet()) {
            try {
                teardown(e.getKey(), e.getValue());
            } catch (RuntimeException ex) {
                LOG.log(Level.WARNING, "teardown of " + e.getKey() + " failed", ex);
            }
        }
    }
}
