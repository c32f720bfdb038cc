package io.ambient4j.cni.agent;

import io.ambient4j.cni.zds.ZdsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
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
        int kubeletUid) {
    public static final String NODE_NAME = "NODE_NAME";
    public static final String POD_NAMESPACE = "POD_NAMESPACE";
    public static final String AMBIENT_DNS_CAPTURE = "AMBIENT_DNS_CAPTURE";
    public static final String AMBIENT_IPV6 = "AMBIENT_IPV6";
    public static final String AMBIENT_RECONCILE = "AMBIENT_RECONCILE_POD_RULES_ON_STARTUP";
    public static final String NATIVE_NFTABLES = "NATIVE_NFTABLES";
    public static final String EXCLUDE_NAMESPACES = "EXCLUDE_NAMESPACES";
    public static final String ALLOW_SWITCH_TO_HOST_NS = "ALLOW_SWITCH_TO_HOST_NS";
    /** ambient4j additions (upstream hard-codes these). */
    public static final String ZDS_SOCKET = "AMBIENT4J_ZDS_SOCKET";

    public static final String HEALTH_PORT = "AMBIENT4J_HEALTH_PORT";
    public static final String KUBELET_UID = "AMBIENT4J_KUBELET_UID";

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
        return new AgentConfig(
                node,
                env.getOrDefault(POD_NAMESPACE, AgentConstants.DEFAULT_SYSTEM_NAMESPACE),
                bool(env, AMBIENT_DNS_CAPTURE, true),
                bool(env, AMBIENT_IPV6, true),
                bool(env, AMBIENT_RECONCILE, true),
                bool(env, NATIVE_NFTABLES, false),
                env.containsKey(EXCLUDE_NAMESPACES)
                        ? Arrays.stream(env.get(EXCLUDE_NAMESPACES).split(","))
                                .map(String::strip)
                                .filter(s -> !s.isEmpty())
                                .collect(Collectors.toSet())
                        : AgentConstants.DEFAULT_EXCLUDED_NAMESPACES,
                Path.of(env.getOrDefault(ZDS_SOCKET, ZdsConfig.DEFAULT_SOCKET.toString())),
                switchToHost ? HOST_PROC_NETNS : Path.of("/proc/self/ns/net"),
                procRoot,
                integer(env, HEALTH_PORT, 8000),
                integer(env, KUBELET_UID, 0));
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
