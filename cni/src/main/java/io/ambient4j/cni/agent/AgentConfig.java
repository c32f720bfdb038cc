package io.ambient4j.cni.agent;

import io.ambient4j.cni.enablement.EnablementSelectors;
import io.ambient4j.cni.enablement.SelectorException;
import io.ambient4j.cni.plugin.CniInstallConfig;
import io.ambient4j.cni.zds.ZdsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The agent's settings, read once at start-up from the environment the chart sets through the
 * {@code istio-cni-config} ConfigMap (helm-charts §4.5) and validated before anything starts.
 */
public record AgentConfig(
        String nodeName,
        String systemNamespace,
        boolean dnsCapture,
        boolean ipv6,
        boolean reconcileOnStartup,
        boolean nativeNftables,
        Set<String> excludedNamespaces,
        Path zdsSocket,
        Path hostNetns,
        Path procRoot,
        int healthPort,
        int kubeletUid,
        Path cniAgentRunDir,
        String hostRoot,
        int metricsPort,
        CniInstallConfig install,
        Duration hostReconcileInterval,
        EnablementSelectors enablementSelectors) {
    public static final String NODE_NAME = "NODE_NAME";
    public static final String POD_NAMESPACE = "POD_NAMESPACE";
    public static final String AMBIENT_DNS_CAPTURE = "AMBIENT_DNS_CAPTURE";
    public static final String AMBIENT_IPV6 = "AMBIENT_IPV6";
    public static final String AMBIENT_RECONCILE = "AMBIENT_RECONCILE_POD_RULES_ON_STARTUP";
    public static final String NATIVE_NFTABLES = "NATIVE_NFTABLES";
    public static final String EXCLUDE_NAMESPACES = "EXCLUDE_NAMESPACES";
    /** The chart's {@code ambient.enablementSelectors} as YAML (helm-charts §4.5). */
    public static final String AMBIENT_ENABLEMENT_SELECTOR = "AMBIENT_ENABLEMENT_SELECTOR";

    public static final String ALLOW_SWITCH_TO_HOST_NS = "ALLOW_SWITCH_TO_HOST_NS";
    /** ambient4j additions (upstream hard-codes these). */
    public static final String ZDS_SOCKET = "AMBIENT4J_ZDS_SOCKET";

    public static final String HEALTH_PORT = "AMBIENT4J_HEALTH_PORT";
    public static final String KUBELET_UID = "AMBIENT4J_KUBELET_UID";
    /** Where the plugin event socket lives (upstream: {@code /var/run/istio-cni}); also written into the conflist. */
    public static final String CNI_AGENT_RUN_DIR = "CNI_AGENT_RUN_DIR";

    public static final String METRICS_PORT = "MONITORING_PORT";
    public static final Path DEFAULT_RUN_DIR = Path.of("/var/run/istio-cni");
    public static final String PLUGIN_EVENT_SOCKET = "pluginevent.sock";
    // Installation (upstream's install flags as environment variables, helm-charts §4.5).
    public static final String MOUNTED_CNI_NET_DIR = "MOUNTED_CNI_NET_DIR";
    public static final String CNI_CONF_NAME = "CNI_CONF_NAME";
    public static final String CHAINED_CNI_PLUGIN = "CHAINED_CNI_PLUGIN";
    public static final String ISTIO_OWNED_CNI_CONFIG = "ISTIO_OWNED_CNI_CONFIG";
    public static final String ISTIO_OWNED_CNI_CONF_FILENAME = "ISTIO_OWNED_CNI_CONF_FILENAME";
    public static final String CNI_CONF_GROUP_READ = "CNI_CONF_GROUP_READ";
    public static final String AMBIENT_ENABLED = "AMBIENT_ENABLED";
    public static final String ENABLE_AMBIENT_DETECTION_RETRY = "ENABLE_AMBIENT_DETECTION_RETRY";
    /** ambient4j additions: where the image keeps the plugin, where the host's bin dir is mounted, its log level. */
    public static final String PLUGIN_SOURCE = "AMBIENT4J_CNI_PLUGIN_SOURCE";

    /** ambient4j addition: seconds between host probe reconciles (0 disables the periodic one). */
    public static final String HOST_RECONCILE_SECONDS = "AMBIENT4J_HOST_RECONCILE_SECONDS";

    public static final String HOST_CNI_BIN_DIR = "AMBIENT4J_HOST_CNI_BIN_DIR";
    public static final String PLUGIN_LOG_LEVEL = "AMBIENT4J_PLUGIN_LOG_LEVEL";

    /** The host's namespace as seen from a non-hostNetwork agent pod. */
    public static final Path HOST_PROC_NETNS = Path.of("/host/proc/1/ns/net");

    public AgentConfig {
        excludedNamespaces = Set.copyOf(excludedNamespaces);
    }

    /** Parses {@code env}; chart defaults for everything but the node name. */
    public static AgentConfig fromEnv(Map<String, String> env) {
        String node = env.get(NODE_NAME);
        if (node == null || node.isBlank()) {
            throw new AgentConfigException(AgentConfigException.Reason.MISSING, NODE_NAME, "must be set");
        }
        boolean switchToHost = bool(env, ALLOW_SWITCH_TO_HOST_NS, false);
        Path procRoot = Files.isDirectory(Path.of("/host/proc")) ? Path.of("/host/proc") : Path.of("/proc");
        Set<String> excluded = env.containsKey(EXCLUDE_NAMESPACES)
                ? Arrays.stream(env.get(EXCLUDE_NAMESPACES).split(","))
                        .map(String::strip)
                        .filter(s -> !s.isEmpty())
                        .collect(Collectors.toSet())
                : AgentConstants.DEFAULT_EXCLUDED_NAMESPACES;
        EnablementSelectors selectors;
        try {
            selectors = EnablementSelectors.parse(env.get(AMBIENT_ENABLEMENT_SELECTOR));
        } catch (SelectorException e) {
            throw new AgentConfigException(
                    AgentConfigException.Reason.BAD_ENABLEMENT_SELECTOR,
                    AMBIENT_ENABLEMENT_SELECTOR,
                    e.getMessage() + " (" + e.reason() + ")");
        }
        String systemNamespace = env.getOrDefault(POD_NAMESPACE, AgentConstants.DEFAULT_SYSTEM_NAMESPACE);
        Path runDir = Path.of(env.getOrDefault(CNI_AGENT_RUN_DIR, DEFAULT_RUN_DIR.toString()));
        String ownedFile = env.getOrDefault(
                ISTIO_OWNED_CNI_CONF_FILENAME,
                env.getOrDefault("ISTIO_OWNED_CNI_CONFIG_FILENAME", CniInstallConfig.DEFAULT_ISTIO_OWNED_FILE));
        CniInstallConfig install = new CniInstallConfig(
                Path.of(env.getOrDefault(PLUGIN_SOURCE, "/opt/cni/bin/istio-cni")),
                Path.of(env.getOrDefault(HOST_CNI_BIN_DIR, "/host/opt/cni/bin")),
                Path.of(env.getOrDefault(MOUNTED_CNI_NET_DIR, "/host/etc/cni/net.d")),
                Optional.ofNullable(env.get(CNI_CONF_NAME)).filter(s -> !s.isBlank()),
                bool(env, CHAINED_CNI_PLUGIN, true),
                bool(env, ISTIO_OWNED_CNI_CONFIG, false),
                ownedFile.isBlank() ? CniInstallConfig.DEFAULT_ISTIO_OWNED_FILE : ownedFile,
                bool(env, CNI_CONF_GROUP_READ, false),
                env.getOrDefault(PLUGIN_LOG_LEVEL, "info"),
                runDir,
                bool(env, AMBIENT_ENABLED, true),
                excluded.stream().sorted().toList(),
                systemNamespace,
                bool(env, NATIVE_NFTABLES, false),
                bool(env, ENABLE_AMBIENT_DETECTION_RETRY, false),
                selectors.asJson());
        return new AgentConfig(
                node,
                systemNamespace,
                bool(env, AMBIENT_DNS_CAPTURE, true),
                bool(env, AMBIENT_IPV6, true),
                bool(env, AMBIENT_RECONCILE, true),
                bool(env, NATIVE_NFTABLES, false),
                excluded,
                Path.of(env.getOrDefault(ZDS_SOCKET, ZdsConfig.DEFAULT_SOCKET.toString())),
                switchToHost ? HOST_PROC_NETNS : Path.of("/proc/self/ns/net"),
                procRoot,
                integer(env, HEALTH_PORT, 8000),
                integer(env, KUBELET_UID, 0),
                runDir,
                procRoot.equals(Path.of("/host/proc")) ? "/host" : "",
                integer(env, METRICS_PORT, 15014),
                install,
                Duration.ofSeconds(integer(env, HOST_RECONCILE_SECONDS, 30)),
                selectors);
    }

    /** The same settings with another host netns and /proc (tests run the "host" as a namespace). */
    public AgentConfig withHost(Path newHostNetns, Path newProcRoot) {
        return new AgentConfig(
                nodeName,
                systemNamespace,
                dnsCapture,
                ipv6,
                reconcileOnStartup,
                nativeNftables,
                excludedNamespaces,
                zdsSocket,
                newHostNetns,
                newProcRoot,
                healthPort,
                kubeletUid,
                cniAgentRunDir,
                hostRoot,
                metricsPort,
                install,
                hostReconcileInterval,
                enablementSelectors);
    }

    /** The plugin event socket inside the run directory. */
    public Path pluginEventSocket() {
        return cniAgentRunDir.resolve(PLUGIN_EVENT_SOCKET);
    }

    /**
     * Where this process finds a netns path the runtime handed to the plugin: the host's
     * {@code /var/run/netns} and {@code /proc} are mounted under {@code /host} in the agent's container.
     */
    public Path netnsPath(String runtimePath) {
        return mapNetnsPath(hostRoot, runtimePath);
    }

    /** {@link #netnsPath} as a pure function of the host mount root ("" when not containerised). */
    static Path mapNetnsPath(String hostRoot, String runtimePath) {
        if (hostRoot.isEmpty() || !runtimePath.startsWith("/") || runtimePath.startsWith(hostRoot + "/")) {
            return Path.of(runtimePath);
        }
        return Path.of(hostRoot + runtimePath);
    }

    private static boolean bool(Map<String, String> env, String name, boolean fallback) {
        String v = env.get(name);
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        return PodRuleOptionsFromPod.parseBool(v)
                .orElseThrow(() -> new AgentConfigException(
                        AgentConfigException.Reason.NOT_A_BOOLEAN, name, "'" + v + "' is not a boolean"));
    }

    private static int integer(Map<String, String> env, String name, int fallback) {
        String v = env.get(name);
        if (v == null || v.isEmpty()) {
            return fallback;
        }
        try {
            return Integer.parseInt(v.strip());
        } catch (NumberFormatException e) {
            throw new AgentConfigException(
                    AgentConfigException.Reason.NOT_A_NUMBER, name, "'" + v + "' is not a number");
        }
    }
}
