package io.ambient4j.conformance.launch;

import io.ambient4j.conformance.kubelet.ProxyRunner;
import io.ambient4j.conformance.mesh.NodeNetwork;
import io.ambient4j.conformance.mesh.StateFile;
import io.ambient4j.conformance.mesh.Topology;
import io.ambient4j.conformance.mesh.Topology.NodePlan;
import io.ambient4j.conformance.mesh.ZtunnelIdentity;
import io.ambient4j.istiod.ServiceAccountTokens;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Realises the pods of waypoint Deployments (the ones istiod's waypoint controller renders: label
 * {@code gateway.istio.io/managed: istio.io-mesh-controller}, container {@code istio-proxy}) by running
 * {@code io.ambient4j.waypoint.Main} inside the pod's namespace, where a cluster would run the proxy image.
 *
 * <p>The process gets the container's environment with field references resolved as the kubelet would
 * ({@code POD_NAME}, {@code POD_NAMESPACE}, {@code INSTANCE_IP}, {@code SERVICE_ACCOUNT}, ...) plus what the
 * projected volumes give a real pod: a service-account token for audience {@code istio-ca} bound to the pod
 * (minted by istiod's {@code ServiceAccountTokens}, as for ztunnel) and the mesh root certificate, as files. istiod
 * is addressed as in a cluster ({@code istiod.istio-system.svc:15012}, the name in its serving certificate); the
 * pod's hosts file points that name at the underlay, where the local mesh runs istiod.
 */
public final class WaypointPods implements ProxyRunner {
    private static final System.Logger LOG = System.getLogger(WaypointPods.class.getName());
    public static final String MANAGED_LABEL = "gateway.istio.io/managed";
    public static final String MESH_CONTROLLER = "istio.io-mesh-controller";
    public static final String CONTAINER = "istio-proxy";
    public static final String MAIN = "io.ambient4j.waypoint.Main";
    /** istiod's Service name, the name its serving certificate carries and pilot-agent's default discovery host. */
    static final String ISTIOD_HOST = "istiod.istio-system.svc";

    /**
     * The pod's {@code /etc/hosts} ({@code ip netns exec} mounts {@code /etc/netns/<netns>/hosts} over it): istiod
     * runs in the underlay here, not behind a Service VIP, so its Service names point there (pure).
     */
    static final String LABELS_FILE = "labels";

    /** The pod's labels as the downward API volume ({@code istio-podinfo/labels}) writes them: {@code k="v"} (pure). */
    static String downwardLabels(Map<String, String> labels) {
        StringBuilder b = new StringBuilder();
        new java.util.TreeMap<>(labels == null ? Map.<String, String>of() : labels)
                .forEach((k, v) -> b.append(k)
                        .append("=\"")
                        .append(v.replace("\\", "\\\\").replace("\"", "\\\""))
                        .append("\"\n"));
        return b.toString();
    }

    static String hostsFile() {
        return "127.0.0.1 localhost\n::1 localhost\n" + Topology.UNDERLAY_IP + " " + ISTIOD_HOST + " " + ISTIOD_HOST
                + ".cluster.local istiod.istio-system\n";
    }

    private final KubernetesClient client;
    private final ServiceAccountTokens tokens;
    private final ProcessSupervisor supervisor;
    private final StateFile state;
    private final String classpath;

    public WaypointPods(
            KubernetesClient client,
            ServiceAccountTokens tokens,
            ProcessSupervisor supervisor,
            StateFile state,
            String classpath) {
        this.client = client;
        this.tokens = tokens;
        this.supervisor = supervisor;
        this.state = state;
        this.classpath = classpath;
    }

    /** A waypoint pod: rendered by the mesh controller, with the proxy container (pure). */
    public static boolean isWaypointPod(Pod pod) {
        Map<String, String> labels = pod.getMetadata().getLabels();
        return labels != null
                && MESH_CONTROLLER.equals(labels.get(MANAGED_LABEL))
                && proxyContainer(pod).isPresent();
    }

    static Optional<Container> proxyContainer(Pod pod) {
        return pod.getSpec() == null
                ? Optional.empty()
                : pod.getSpec().getContainers().stream()
                        .filter(c -> CONTAINER.equals(c.getName()))
                        .findFirst();
    }

    @Override
    public boolean handles(Pod pod) {
        return isWaypointPod(pod);
    }

    @Override
    public AutoCloseable start(Pod pod, String netns, String ip, NodePlan node) throws IOException {
        String ns = pod.getMetadata().getNamespace();
        String name = pod.getMetadata().getName();
        Path dir = state.dir().resolve("waypoints").resolve(ns + "-" + name);
        Files.createDirectories(dir);
        String sa = pod.getSpec().getServiceAccountName() == null
                ? "default"
                : pod.getSpec().getServiceAccountName();
        Files.writeString(
                dir.resolve(ZtunnelIdentity.TOKEN_FILE),
                tokens.issue(
                        ns,
                        sa,
                        name,
                        pod.getMetadata().getUid(),
                        List.of(ZtunnelIdentity.AUDIENCE),
                        Duration.ofHours(24)));
        Files.writeString(dir.resolve(ZtunnelIdentity.ROOT_CERT_FILE), rootCert());
        Files.writeString(
                dir.resolve(LABELS_FILE), downwardLabels(pod.getMetadata().getLabels()));
        // the pod's /etc/netns directory exists (resolv.conf) and is removed with the pod
        Files.writeString(NodeNetwork.ETC_NETNS.resolve(netns).resolve("hosts"), hostsFile());
        ComponentSpec spec = spec(pod, netns, ip, node, dir, classpath);
        Process p = supervisor.start(spec);
        LOG.log(Level.INFO, "waypoint {0}/{1} started in {2} (log {3}.log)", ns, name, netns, spec.instance());
        return () -> supervisor.stop(p);
    }

    private String rootCert() {
        ConfigMap cm = client.configMaps()
                .inNamespace(ZtunnelIdentity.NAMESPACE)
                .withName("istio-ca-root-cert")
                .get();
        if (cm == null || cm.getData() == null || cm.getData().get(ZtunnelIdentity.ROOT_CERT_FILE) == null) {
            throw new IllegalStateException("istiod has not published istio-system/istio-ca-root-cert yet");
        }
        return cm.getData().get(ZtunnelIdentity.ROOT_CERT_FILE);
    }

    /** The process for one waypoint pod (pure). */
    static ComponentSpec spec(Pod pod, String netns, String ip, NodePlan node, Path dir, String classpath) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java));
        JavaMainLauncher.jvmOptionsFile(classpath, "waypoint").ifPresent(f -> cmd.add("@" + f));
        cmd.addAll(List.of(
                "--enable-native-access=ALL-UNNAMED",
                "--add-opens",
                "java.base/sun.nio.ch=ALL-UNNAMED",
                "-cp",
                classpath,
                MAIN));
        return new ComponentSpec(
                "waypoint",
                "waypoint-" + pod.getMetadata().getNamespace() + "-"
                        + pod.getMetadata().getName(),
                netns,
                cmd,
                env(pod, ip, node, dir),
                0,
                "");
    }

    /** The container's environment as the kubelet resolves it, plus the local mesh's istiod and identity (pure). */
    static Map<String, String> env(Pod pod, String ip, NodePlan node, Path dir) {
        Map<String, String> env = new LinkedHashMap<>();
        Container c = proxyContainer(pod).orElseThrow();
        for (EnvVar e : c.getEnv()) {
            if (e.getValue() != null) {
                env.put(e.getName(), e.getValue());
            } else if (e.getValueFrom() != null && e.getValueFrom().getFieldRef() != null) {
                String v = field(pod, e.getValueFrom().getFieldRef().getFieldPath(), ip, node);
                if (v != null) {
                    env.put(e.getName(), v);
                }
            }
            // resourceFieldRef (limits) is left out: the harness sets no limits
        }
        // pilot-agent's defaults: istiod by its Service name (its serving certificate's name; the pod's /etc/hosts
        // maps it to the underlay, see hostsFile), the projected token and root cert as files.
        env.put("PILOT_DISCOVERY_ADDRESS", ISTIOD_HOST + ":15012");
        env.put("CA_ADDR", ISTIOD_HOST + ":15012");
        env.put("XDS_ROOT_CA", dir.resolve(ZtunnelIdentity.ROOT_CERT_FILE).toString());
        env.put("CA_ROOT_CA", dir.resolve(ZtunnelIdentity.ROOT_CERT_FILE).toString());
        env.put("AUTH_TOKEN", dir.resolve(ZtunnelIdentity.TOKEN_FILE).toString());
        env.put("WAYPOINT_POD_LABELS", dir.resolve(LABELS_FILE).toString());
        env.put("CLUSTER_ID", env.getOrDefault("ISTIO_META_CLUSTER_ID", "Kubernetes"));
        env.put("MALLOC_ARENA_MAX", "2");
        return env;
    }

    /** A downward-API field path, resolved for this pod on this node; null when unknown (pure). */
    static String field(Pod pod, String path, String ip, NodePlan node) {
        return switch (path) {
            case "metadata.name" -> pod.getMetadata().getName();
            case "metadata.namespace" -> pod.getMetadata().getNamespace();
            case "metadata.uid" -> pod.getMetadata().getUid();
            case "status.podIP" -> ip;
            case "status.hostIP" -> node.nodeIp();
            case "spec.nodeName" -> node.name();
            case "spec.serviceAccountName" ->
                pod.getSpec().getServiceAccountName() == null
                        ? "default"
                        : pod.getSpec().getServiceAccountName();
            default -> null;
        };
    }
}
