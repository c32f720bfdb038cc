package io.ambient4j.cni.agent;

import io.ambient4j.cni.netns.NetnsLab;
import io.ambient4j.cni.plugin.JavaPluginProbe;
import io.ambient4j.cni.plugin.PluginProcess;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.spi.ToolProvider;

/**
 * ADD latency of the real plugin against the real agent (root; run with {@code make bench-cni}): N pods,
 * each with its own fresh network namespace, each ADD timed from exec to the plugin's exit with the pod
 * captured (rules in its netns, ztunnel ack, ipset, annotation). Also measures, against the same agent
 * for a non-ambient pod, what the exec itself costs for the C plugin and for the Java alternative with and
 * without AppCDS, which is how the plugin's language was chosen (cni/README.md).
 */
public final class CniAddBench {
    private CniAddBench() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 50;
        int probes = args.length > 1 ? Integer.parseInt(args[1]) : 20;
        Path dir = Files.createTempDirectory("a4j-bench");
        KubernetesMockServer server = new KubernetesMockServer(
                new Context(), new MockWebServer(), new HashMap<>(), new KubernetesCrudDispatcher(), false);
        server.init();
        try (KubernetesClient client = server.createClient();
                NetnsLab lab = new NetnsLab()) {
            client.namespaces()
                    .resource(new NamespaceBuilder()
                            .withNewMetadata()
                            .withName("bench")
                            .withLabels(Map.of("istio.io/dataplane-mode", "ambient"))
                            .endMetadata()
                            .build())
                    .create();
            client.namespaces()
                    .resource(new NamespaceBuilder()
                            .withNewMetadata()
                            .withName("plain")
                            .endMetadata()
                            .build())
                    .create();
            List<String> netns = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                netns.add(lab.pod("p" + i, 20 + i));
                client.pods()
                        .inNamespace("bench")
                        .resource(pod("bench", "web-" + i))
                        .create();
            }
            client.pods().inNamespace("plain").resource(pod("plain", "web")).create();
            Map<String, String> env = AgentTestEnv.of(dir);
            AgentConfig config = AgentConfig.fromEnv(env)
                    .withHost(Path.of("/var/run/netns", lab.node), Files.createDirectories(dir.resolve("proc")));
            try (NodeAgent agent = NodeAgent.start(config, client, new KubePodAnnotator(client, false));
                    StandInZtunnel ztunnel = new StandInZtunnel(config.zdsSocket())) {
                List<Long> add = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    String ip = NetnsLab.ip(20 + i);
                    PluginProcess.Result r = PluginProcess.run(
                            PluginProcess.addEnv("/var/run/netns/" + netns.get(i), "bench", "web-" + i),
                            PluginProcess.addConfig(config.cniAgentRunDir(), ip));
                    if (r.exit() != 0) {
                        throw new IllegalStateException("ADD " + i + " failed: " + r.stdout() + r.stderr());
                    }
                    add.add(r.nanos());
                }
                report("C plugin, ambient pod, full capture", add);
                String plainConf = PluginProcess.addConfig(config.cniAgentRunDir(), "10.244.0.250");
                Map<String, String> plainEnv = PluginProcess.addEnv("/var/run/netns/" + lab.node, "plain", "web");
                List<Long> c = new ArrayList<>();
                for (int i = 0; i < probes; i++) {
                    c.add(PluginProcess.run(plainEnv, plainConf).nanos());
                }
                report("C plugin, non-ambient pod (exec + agent round trip)", c);
                javaOption(config, plainEnv, plainConf, probes, dir);
                System.out.printf(
                        Locale.ROOT,
                        "ztunnel acked %d adds%n",
                        ztunnel.received.stream().filter(w -> w.hasAdd()).count());
            }
        } finally {
            server.destroy();
        }
    }

    private static void javaOption(AgentConfig config, Map<String, String> env, String conf, int probes, Path dir)
            throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path classes = Path.of(JavaPluginProbe.class
                .getProtectionDomain()
                .getCodeSource()
                .getLocation()
                .toURI());
        // AppCDS archives only classes from jars: package the probe alone, as a real plugin jar would be.
        String cp = dir.resolve("plugin.jar").toString();
        String entry = JavaPluginProbe.class.getName().replace('.', '/') + ".class";
        int rc = ToolProvider.findFirst("jar")
                .orElseThrow()
                .run(System.out, System.err, "cf", cp, "-C", classes.toString(), entry);
        if (rc != 0) {
            throw new IllegalStateException("jar failed");
        }
        String sock = config.pluginEventSocket().toString();
        List<String> lean =
                List.of(java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xss256k", "-XX:-UsePerfData", "-cp", cp);
        String main = JavaPluginProbe.class.getName();
        String archive = dir.resolve("plugin.jsa").toString();
        List<String> dump = new ArrayList<>(lean);
        dump.addAll(List.of("-XX:ArchiveClassesAtExit=" + archive, main, sock, "web", "plain"));
        exec(dump, env, conf);
        List<Long> plain = new ArrayList<>();
        List<Long> cds = new ArrayList<>();
        for (int i = 0; i < probes; i++) {
            List<String> a = new ArrayList<>(lean);
            a.addAll(List.of(main, sock, "web", "plain"));
            plain.add(exec(a, env, conf));
            List<String> b = new ArrayList<>(lean);
            b.addAll(List.of("-XX:SharedArchiveFile=" + archive, main, sock, "web", "plain"));
            cds.add(exec(b, env, conf));
        }
        report("Java plugin (lean JVM flags), non-ambient pod", plain);
        report("Java plugin (lean JVM flags + AppCDS), non-ambient pod", cds);
    }

    private static long exec(List<String> cmd, Map<String, String> env, String stdin)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD);
        pb.environment().putAll(env);
        long start = System.nanoTime();
        Process p = pb.start();
        try (OutputStream in = p.getOutputStream()) {
            in.write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getInputStream().readAllBytes();
        if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(cmd + " failed");
        }
        return System.nanoTime() - start;
    }

    private static io.fabric8.kubernetes.api.model.Pod pod(String namespace, String name) {
        return new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .withNamespace(namespace)
                .endMetadata()
                .withNewSpec()
                .withNodeName("node1")
                .endSpec()
                .withNewStatus()
                .withPhase("Pending")
                .endStatus()
                .build();
    }

    private static void report(String what, List<Long> nanos) {
        List<Long> s = new ArrayList<>(nanos);
        Collections.sort(s);
        double median = s.get(s.size() / 2) / 1e6;
        double p99 = s.get(Math.min(s.size() - 1, (int) Math.ceil(s.size() * 0.99) - 1)) / 1e6;
        System.out.printf(
                Locale.ROOT,
                "%-58s n=%3d  median %7.1f ms  p99 %7.1f ms  min %6.1f  max %7.1f%n",
                what,
                s.size(),
                median,
                p99,
                s.getFirst() / 1e6,
                s.getLast() / 1e6);
    }
}
