package io.ambient4j.conformance.launch;

import io.ambient4j.conformance.mesh.Topology;
import io.ambient4j.conformance.mesh.ZtunnelIdentity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Launches a component's Java {@code main} with the classpath named by an environment variable (the
 * Makefile sets it from {@code mvn dependency:build-classpath} when the component's module has a Main).
 * Per-node components run in each node namespace with {@code NODE_NAME} and {@code KUBECONFIG} set;
 * a control-plane component runs once in the underlay namespace.
 */
public final class JavaMainLauncher implements ComponentLauncher {
    private final String component;
    private final String mainClass;
    private final String classpathEnv;
    private final boolean perNode;
    private final Map<String, String> extraEnv;
    private final int readyPort;
    private final String readyPath;

    public JavaMainLauncher(
            String component,
            String mainClass,
            String classpathEnv,
            boolean perNode,
            Map<String, String> extraEnv,
            int readyPort,
            String readyPath) {
        this.component = component;
        this.mainClass = mainClass;
        this.classpathEnv = classpathEnv;
        this.perNode = perNode;
        this.extraEnv = Map.copyOf(extraEnv);
        this.readyPort = readyPort;
        this.readyPath = readyPath;
    }

    /** The launchers the harness knows; each reports itself unavailable until its module has a Main. */
    public static List<ComponentLauncher> known() {
        return List.of(
                // readiness as the charts probe it: istiod's monitoring port, ztunnel's 15021, the agent's 8000
                new JavaMainLauncher(
                        "istiod", "io.ambient4j.istiod.Main", "A4J_ISTIOD_CP", false, Map.of(), 15014, "/metrics"),
                new JavaMainLauncher(
                        "ztunnel",
                        "io.ambient4j.ztunnel.Main",
                        "A4J_ZTUNNEL_CP",
                        true,
                        Map.of(),
                        15021,
                        "/healthz/ready"),
                new JavaMainLauncher(
                        "cni",
                        "io.ambient4j.cni.agent.Main",
                        "A4J_CNI_CP",
                        true,
                        Map.of(
                                // the node namespace is the agent's host namespace: never switch to the root one
                                "ALLOW_SWITCH_TO_HOST_NS", "false"),
                        8000,
                        "/readyz"),
                new JavaMainLauncher(
                        "waypoint", "io.ambient4j.waypoint.Main", "A4J_WAYPOINT_CP", false, Map.of(), 0, ""));
    }

    @Override
    public String component() {
        return component;
    }

    @Override
    public Optional<String> unavailable() {
        String cp = System.getenv(classpathEnv);
        if (cp == null || cp.isBlank()) {
            return Optional.of(component + " is not available: " + classpathEnv + " is not set (no " + mainClass
                    + " in this build yet)");
        }
        String entry = mainClass.replace('.', '/') + ".class";
        for (String part : cp.split(":")) {
            Path p = Path.of(part);
            if (Files.isDirectory(p) && Files.exists(p.resolve(entry))) {
                return Optional.empty();
            }
            if (part.endsWith(".jar") && Files.exists(p) && jarHas(p, entry)) {
                return Optional.empty();
            }
        }
        return Optional.of(component + " is not available: " + mainClass + " not found on " + classpathEnv);
    }

    private static boolean jarHas(Path jar, String entry) {
        try (var zip = new java.util.zip.ZipFile(jar.toFile())) {
            return zip.getEntry(entry) != null;
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /**
     * {@code <component>-jvm.options} from a directory on the component's classpath (its module's
     * {@code target/classes}), if the module ships one (pure apart from the file lookup).
     */
    static Optional<Path> jvmOptionsFile(String classpath, String component) {
        if (classpath == null) {
            return Optional.empty();
        }
        for (String part : classpath.split(":")) {
            Path f = Path.of(part).resolve(component + "-jvm.options");
            if (!part.isEmpty() && Files.isDirectory(Path.of(part)) && Files.isRegularFile(f)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }

    /** File name of the node's primary CNI configuration in its net.d. */
    public static final String PRIMARY_CONFLIST = "10-ambient4j.conflist";

    /** The primary network as a runtime would find it: the harness bridge {@code br0} (pure). */
    public static String primaryConflist() {
        return """
                {
                  "cniVersion": "1.0.0",
                  "name": "ambient4j",
                  "plugins": [
                    {"type": "bridge", "bridge": "br0", "isGateway": true, "ipam": {"type": "host-local"}}
                  ]
                }
                """;
    }

    /**
     * ztunnel's environment as the chart sets it (ambient-spec 1.1): istiod by URL, verified as the
     * name in its serving certificate; the root cert, the projected token, the node agent's ZDS socket
     * (pure).
     */
    static Map<String, String> ztunnelEnv(Path nodeDir, String node) {
        Path z = nodeDir.resolve("ztunnel");
        String istiod = "https://" + Topology.UNDERLAY_IP + ":15012";
        Map<String, String> env = new java.util.HashMap<>();
        env.put("XDS_ADDRESS", istiod);
        env.put("CA_ADDRESS", istiod);
        env.put("ALT_XDS_HOSTNAME", "istiod.istio-system.svc");
        env.put("ALT_CA_HOSTNAME", "istiod.istio-system.svc");
        env.put("XDS_ROOT_CA", z.resolve(ZtunnelIdentity.ROOT_CERT_FILE).toString());
        env.put("CA_ROOT_CA", z.resolve(ZtunnelIdentity.ROOT_CERT_FILE).toString());
        env.put("AUTH_TOKEN", z.resolve(ZtunnelIdentity.TOKEN_FILE).toString());
        env.put("INPOD_UDS", z.resolve("ztunnel.sock").toString());
        env.put("POD_NAME", ZtunnelIdentity.podName(node));
        env.put("SERVICE_ACCOUNT", ZtunnelIdentity.SERVICE_ACCOUNT);
        env.put("CLUSTER_ID", "Kubernetes");
        return env;
    }

    @Override
    public List<ComponentSpec> plan(LaunchContext ctx) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String cp = System.getenv(classpathEnv);
        List<String> cmd = new ArrayList<>(List.of(java));
        // the component's own JVM options file, as its image and the benchmark use it (e.g. ztunnel-jvm.options)
        jvmOptionsFile(cp, component).ifPresent(f -> cmd.add("@" + f));
        cmd.addAll(List.of(
                "--enable-native-access=ALL-UNNAMED",
                "--add-opens",
                "java.base/sun.nio.ch=ALL-UNNAMED",
                "-cp",
                cp,
                mainClass));
        List<ComponentSpec> specs = new ArrayList<>();
        if (perNode) {
            for (Topology.NodePlan n : ctx.topology().nodes()) {
                specs.add(new ComponentSpec(
                        component,
                        component + "-" + n.name(),
                        n.netns(),
                        cmd,
                        env(ctx, n.name(), n.nodeIp()),
                        readyPort,
                        readyPath));
            }
        } else {
            specs.add(new ComponentSpec(
                    component,
                    component,
                    ctx.topology().underlayNetns(),
                    cmd,
                    env(ctx, "", Topology.UNDERLAY_IP),
                    readyPort,
                    readyPath));
        }
        return specs;
    }

    private Map<String, String> env(LaunchContext ctx, String node, String ip) {
        Map<String, String> env = new java.util.HashMap<>(extraEnv);
        // Host paths of a real node live under the run directory, per node, so nothing outside it is touched
        // (the run directory is removed on tear-down).
        Path nodeDir = ctx.runDir().resolve(node.isEmpty() ? "control-plane" : node);
        env.put("CNI_AGENT_RUN_DIR", nodeDir.resolve("istio-cni").toString());
        env.put("AMBIENT4J_ZDS_SOCKET", nodeDir.resolve("ztunnel/ztunnel.sock").toString());
        env.put("MOUNTED_CNI_NET_DIR", nodeDir.resolve("net.d").toString());
        env.put("AMBIENT4J_HOST_CNI_BIN_DIR", nodeDir.resolve("bin").toString());
        String plugin = System.getenv("A4J_CNI_PLUGIN");
        if (plugin != null && !plugin.isBlank()) {
            // the plugin binary the agent installs into the node's (run-dir) CNI bin directory
            env.put("AMBIENT4J_CNI_PLUGIN_SOURCE", plugin);
        }
        try {
            for (String dir : List.of("istio-cni", "ztunnel", "net.d", "bin")) {
                java.nio.file.Files.createDirectories(nodeDir.resolve(dir));
            }
            // The node's primary CNI network (the harness's bridge), which istio-cni chains itself into.
            Path primary = nodeDir.resolve("net.d").resolve(PRIMARY_CONFLIST);
            if (!java.nio.file.Files.exists(primary)) {
                java.nio.file.Files.writeString(primary, primaryConflist());
            }
        } catch (java.io.IOException e) {
            throw new io.ambient4j.conformance.mesh.MeshException(
                    io.ambient4j.conformance.mesh.MeshException.Reason.LAUNCH, "cannot prepare " + nodeDir + ": " + e);
        }
        env.put("KUBECONFIG", ctx.nodeKubeconfig().toString());
        env.put("NODE_NAME", node);
        env.put("INSTANCE_IP", ip);
        env.put("POD_NAMESPACE", "istio-system");
        // istiod runs in the underlay namespace; every node reaches it there
        env.put("XDS_ADDRESS", Topology.UNDERLAY_IP + ":15012");
        env.put("CA_ADDRESS", Topology.UNDERLAY_IP + ":15012");
        if (component.equals("ztunnel")) {
            env.putAll(ztunnelEnv(nodeDir, node));
            // with the JVM options file: glibc's malloc arenas are a large part of an idle JVM's RSS
            env.put("MALLOC_ARENA_MAX", "2");
        }
        return env;
    }
}
