package io.ambient4j.cni.agent;

import io.ambient4j.cni.plugin.PluginProcess;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
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

    /** Creates pod {@code name} in {@code ns} on node1 as its kubelet reports it: Running with {@code ip}. */
    static Pod runningPod(KubernetesClient client, String ns, String name, String ip) {
        return client.pods()
                .inNamespace(ns)
                .resource(new PodBuilder()
                        .withNewMetadata()
                        .withName(name)
                        .withNamespace(ns)
                        .endMetadata()
                        .withNewSpec()
                        .withNodeName("node1")
                        .endSpec()
                        .withNewStatus()
                        .withPhase("Running")
                        .withPodIP(ip)
                        .endStatus()
                        .build())
                .create();
    }

    /**
     * A /proc-shaped tree under {@code dir}: one "process" of {@code pod} (cgroup {@code <cgroupParent>/pod<uid>})
     * whose netns is {@code podNetns}. Returns the tree's root.
     */
    static Path procWithPod(Path dir, String cgroupParent, Pod pod, String podNetns) throws IOException {
        Path proc = dir.resolve("proc");
        Path pid = Files.createDirectories(proc.resolve("4242").resolve("ns"));
        Files.writeString(
                proc.resolve("4242").resolve("cgroup"),
                "0::/" + cgroupParent + "/pod" + pod.getMetadata().getUid() + "/c0\n");
        Files.createSymbolicLink(pid.resolve("net"), Path.of("/var/run/netns", podNetns));
        return proc;
    }
}
