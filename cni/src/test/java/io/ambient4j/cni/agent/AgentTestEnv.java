package io.ambient4j.cni.agent;

import io.ambient4j.cni.plugin.PluginProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The environment a test agent starts with: every path under {@code dir} (ZDS socket, run dir, CNI bin and
 * conf dirs), ports chosen by the OS, and a node whose primary CNI already wrote its conflist.
 */
final class AgentTestEnv {
    static final String PRIMARY_CONFLIST = """
            {"cniVersion":"1.0.0","name":"k8s-pod-network","plugins":[\
            {"type":"bridge","bridge":"cni0","ipam":{"type":"host-local","subnet":"10.244.0.0/24"}},\
            {"type":"portmap","capabilities":{"portMappings":true}}]}
            """;

    private AgentTestEnv() {}

    static Map<String, String> of(Path dir) throws IOException {
        Path netd = Files.createDirectories(dir.resolve("net.d"));
        Files.writeString(netd.resolve("10-bridge.conflist"), PRIMARY_CONFLIST);
        Map<String, String> env = new HashMap<>();
        env.put("NODE_NAME", "node1");
        env.put("AMBIENT_IPV6", "false");
        env.put("AMBIENT4J_ZDS_SOCKET", dir.resolve("ztunnel.sock").toString());
        env.put("AMBIENT4J_HEALTH_PORT", "0");
        env.put("MONITORING_PORT", "0");
        env.put("CNI_AGENT_RUN_DIR", dir.resolve("run").toString());
        env.put(
                "AMBIENT4J_CNI_PLUGIN_SOURCE",
                PluginProcess.binary().toAbsolutePath().toString());
        env.put("AMBIENT4J_HOST_CNI_BIN_DIR", dir.resolve("bin").toString());
        env.put("MOUNTED_CNI_NET_DIR", netd.toString());
        return env;
    }
}
