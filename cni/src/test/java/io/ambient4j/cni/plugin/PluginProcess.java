package io.ambient4j.cni.plugin;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs the real {@code istio-cni} executable the way a container runtime does: a fresh process with only
 * the CNI variables in its environment, the network configuration on stdin, the result read from stdout.
 */
public final class PluginProcess {
    /** What one invocation produced; {@code nanos} runs from exec to the process having exited. */
    public record Result(int exit, String stdout, String stderr, long nanos) {}

    private PluginProcess() {}

    /** The executable built by the module's build (gcc, see pom.xml). */
    public static Path binary() {
        Path p = Path.of(System.getProperty("ambient4j.cni.plugin", "target/istio-cni"));
        if (!Files.isExecutable(p)) {
            throw new IllegalStateException(
                    "plugin executable " + p.toAbsolutePath() + " missing: build the cni module");
        }
        return p;
    }

    /** The environment of an ADD for pod {@code namespace/name} in {@code netns}. */
    public static Map<String, String> addEnv(String netns, String namespace, String name) {
        Map<String, String> env = new HashMap<>();
        env.put("CNI_COMMAND", "ADD");
        env.put("CNI_CONTAINERID", "c0ffee" + Long.toHexString(System.nanoTime()));
        env.put("CNI_NETNS", netns);
        env.put("CNI_IFNAME", "eth0");
        env.put("CNI_PATH", "/opt/cni/bin");
        env.put(
                "CNI_ARGS",
                "IgnoreUnknown=1;K8S_POD_NAMESPACE=" + namespace + ";K8S_POD_NAME=" + name
                        + ";K8S_POD_INFRA_CONTAINER_ID=c0ffee");
        return env;
    }

    /** The conflist entry as the agent installs it, with a chained prevResult holding {@code ip}. */
    public static String addConfig(Path runDir, String ip) {
        return """
                {"cniVersion":"1.0.0","name":"k8s-pod-network","type":"istio-cni","plugin_log_level":"info",\
                "cni_agent_run_dir":"%s","ambient_enabled":true,"exclude_namespaces":["kube-system"],\
                "pod_namespace":"istio-system","native_nftables":false,\
                "prevResult":{"cniVersion":"1.0.0","interfaces":[{"name":"eth0","sandbox":"/var/run/netns/x"}],\
                "ips":[{"interface":0,"address":"%s/24","gateway":"10.244.0.1"}],"dns":{}}}""".formatted(runDir, ip);
    }

    /** The prevResult part of {@link #addConfig}, exactly as the plugin must print it. */
    public static String prevResult(String ip) {
        return """
                {"cniVersion":"1.0.0","interfaces":[{"name":"eth0","sandbox":"/var/run/netns/x"}],\
                "ips":[{"interface":0,"address":"%s/24","gateway":"10.244.0.1"}],"dns":{}}""".formatted(ip);
    }

    public static Result run(Map<String, String> env, String stdin) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(binary().toAbsolutePath().toString());
        pb.environment().clear();
        pb.environment().putAll(env);
        long start = System.nanoTime();
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            // The plugin may exit without reading stdin (e.g. on missing CNI_* variables): a broken pipe,
            // which a runtime ignores too.
        }
        byte[] out = p.getInputStream().readAllBytes();
        byte[] err = p.getErrorStream().readAllBytes();
        if (!p.waitFor(10, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IOException("plugin did not exit within 10 s");
        }
        long nanos = System.nanoTime() - start;
        return new Result(
                p.exitValue(),
                new String(out, StandardCharsets.UTF_8).strip(),
                new String(err, StandardCharsets.UTF_8),
                nanos);
    }
}
