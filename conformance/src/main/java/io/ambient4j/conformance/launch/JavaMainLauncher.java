package io.ambient4j.conformance.launch;

import io.ambient4j.conformance.mesh.Topology;
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

    public JavaMainLauncher(
            String component, String mainClass, String classpathEnv, boolean perNode, Map<String, String> extraEnv) {
        this.component = component;
        this.mainClass = mainClass;
        this.classpathEnv = classpathEnv;
        this.perNode = perNode;
        this.extraEnv = Map.copyOf(extraEnv);
    }

    /** The launchers the harness knows; each reports itself unavailable until its module has a Main. */
    public static List<ComponentLauncher> known() {
        return List.of(
                new JavaMainLauncher("istiod", "io.ambient4j.istiod.Main", "A4J_ISTIOD_CP", false, Map.of()),
                new JavaMainLauncher("ztunnel", "io.ambient4j.ztunnel.Main", "A4J_ZTUNNEL_CP", true, Map.of()),
                new JavaMainLauncher(
                        "cni",
                        "io.ambient4j.cni.agent.Main",
                        "A4J_CNI_CP",
                        true,
                        Map.of(
                                // the node namespace is the agent's host namespace: never switch to the root one
                                "ALLOW_SWITCH_TO_HOST_NS", "false")),
                new JavaMainLauncher("waypoint", "io.ambient4j.waypoint.Main", "A4J_WAYPOINT_CP", false, Map.of()));
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

    @Override
    public List<ComponentSpec> plan(LaunchContext ctx) {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "--add-opens",
                "java.base/sun.nio.ch=ALL-UNNAMED",
                "-cp",
                System.getenv(classpathEnv),
                mainClass);
        List<ComponentSpec> specs = new ArrayList<>();
        if (perNode) {
            for (Topology.NodePlan n : ctx.topology().nodes()) {
                specs.add(new ComponentSpec(
                        component, component + "-" + n.name(), n.netns(), cmd, env(ctx, n.name(), n.nodeIp())));
            }
        } else {
            specs.add(new ComponentSpec(
                    component, component, ctx.topology().underlayNetns(), cmd, env(ctx, "", Topology.UNDERLAY_IP)));
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
        for (String dir : List.of("istio-cni", "ztunnel", "net.d", "bin")) {
            try {
                java.nio.file.Files.createDirectories(nodeDir.resolve(dir));
            } catch (java.io.IOException e) {
                throw new io.ambient4j.conformance.mesh.MeshException(
                        io.ambient4j.conformance.mesh.MeshException.Reason.LAUNCH,
                        "cannot create " + nodeDir + "/" + dir);
            }
        }
        env.put("KUBECONFIG", ctx.nodeKubeconfig().toString());
        env.put("NODE_NAME", node);
        env.put("INSTANCE_IP", ip);
        env.put("POD_NAMESPACE", "istio-system");
        // istiod runs in the underlay namespace; every node reaches it there
        env.put("XDS_ADDRESS", Topology.UNDERLAY_IP + ":15012");
        env.put("CA_ADDRESS", Topology.UNDERLAY_IP + ":15012");
        return env;
    }
}
