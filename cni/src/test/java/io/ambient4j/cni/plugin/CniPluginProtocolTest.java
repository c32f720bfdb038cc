package io.ambient4j.cni.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real plugin executable against the real event server with a scripted handler: the CNI protocol
 * (environment, stdin, result and error objects) and the fail-closed rule, without needing root.
 */
@Timeout(60)
class CniPluginProtocolTest {
    @TempDir
    Path run;

    private PluginEventServer server;
    private final List<CniAddEvent> events = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private void agentAnswers(int status, String message) throws Exception {
        server = PluginEventServer.start(
                run.resolve("pluginevent.sock"),
                e -> {
                    events.add(e);
                    return new PluginEventServer.Reply(status, message);
                },
                s -> {});
    }

    private static String field(String json, String name) {
        int i = json.indexOf("\"" + name + "\":");
        assertThat(i).as("%s in %s", name, json).isNotNegative();
        return json.substring(i + name.length() + 3).split("[,}]", 2)[0];
    }

    @Test
    void C008_addForAPodPostsUpstreamShapedEventAndPassesPrevResultThrough() throws Exception {
        agentAnswers(200, "captured");
        PluginProcess.Result r = PluginProcess.run(
                PluginProcess.addEnv("/var/run/netns/cni-1234", "app", "web"),
                PluginProcess.addConfig(run, "10.244.0.10"));
        assertThat(r.exit()).as(r.stdout()).isZero();
        assertThat(r.stdout()).isEqualTo(PluginProcess.prevResult("10.244.0.10"));
        assertThat(events)
                .containsExactly(new CniAddEvent("/var/run/netns/cni-1234", "web", "app", List.of("10.244.0.10")));
    }

    @Test
    void C018_addFailsWhenTheAgentCannotCapture() throws Exception {
        agentAnswers(500, "pod app/web not captured: ztunnel: no connection");
        PluginProcess.Result r = PluginProcess.run(
                PluginProcess.addEnv("/var/run/netns/cni-1", "app", "web"),
                PluginProcess.addConfig(run, "10.244.0.10"));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(field(r.stdout(), "code")).isEqualTo("11");
        assertThat(r.stdout())
                .startsWith("{\"cniVersion\":\"1.0.0\"")
                .contains("could not capture the pod")
                .contains("agent answered 500: pod app/web not captured: ztunnel: no connection");
    }

    @Test
    void C018_addFailsWhenTheAgentIsDown() throws Exception {
        PluginProcess.Result r = PluginProcess.run(
                PluginProcess.addEnv("/var/run/netns/cni-1", "app", "web"),
                PluginProcess.addConfig(run, "10.244.0.10"));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(field(r.stdout(), "code")).isEqualTo("11");
        assertThat(r.stdout())
                .contains("failed to contact node Istio CNI agent")
                .contains("pluginevent.sock");
    }

    @Test
    void C018_addFailsWhenTheAgentDoesNotAnswerInFiveSeconds() throws Exception {
        CountDownLatch never = new CountDownLatch(1);
        server = PluginEventServer.start(
                run.resolve("pluginevent.sock"),
                e -> {
                    try {
                        never.await(8, TimeUnit.SECONDS);
                    } catch (InterruptedException ie) {
                        Thread.currentThread().interrupt();
                    }
                    return PluginEventServer.Reply.ok("too late");
                },
                s -> {});
        PluginProcess.Result r = PluginProcess.run(
                PluginProcess.addEnv("/var/run/netns/cni-1", "app", "web"),
                PluginProcess.addConfig(run, "10.244.0.10"));
        never.countDown();
        assertThat(r.exit()).isEqualTo(1);
        assertThat(r.stdout()).contains("did not answer within 5s");
        assertThat(r.nanos()).isBetween(TimeUnit.MILLISECONDS.toNanos(4900), TimeUnit.SECONDS.toNanos(8));
    }

    @Test
    void C012_excludedNamespaceNonKubernetesAndAgentPodNeverAskTheAgent() throws Exception {
        // The agent is down: these must all succeed anyway.
        String conf = PluginProcess.addConfig(run, "10.244.0.10");
        assertThat(PluginProcess.run(PluginProcess.addEnv("/n", "kube-system", "coredns-1"), conf)
                        .stdout())
                .isEqualTo(PluginProcess.prevResult("10.244.0.10"));
        assertThat(PluginProcess.run(PluginProcess.addEnv("/n", "istio-system", "istio-cni-node-x7k2p"), conf)
                        .exit())
                .isZero();
        Map<String, String> plain = PluginProcess.addEnv("/n", "app", "web");
        plain.remove("CNI_ARGS");
        assertThat(PluginProcess.run(plain, conf).exit()).isZero();
        String disabled = conf.replace("\"ambient_enabled\":true", "\"ambient_enabled\":false");
        assertThat(PluginProcess.run(PluginProcess.addEnv("/n", "app", "web"), disabled)
                        .exit())
                .isZero();
        // Only the agent's own pod is exempt, not every istio-system pod.
        assertThat(PluginProcess.run(PluginProcess.addEnv("/n", "istio-system", "istiod-1"), conf)
                        .exit())
                .isEqualTo(1);
    }

    @Test
    void malformedStdinIsADecodingError() throws Exception {
        for (String bad : List.of("", "{", "{\"cniVersion\":\"1.0.0\",}", "[1,2]", "{\"a\":tru}", "{} x")) {
            PluginProcess.Result r = PluginProcess.run(PluginProcess.addEnv("/n", "app", "web"), bad);
            assertThat(r.exit()).as(bad).isEqualTo(1);
            assertThat(field(r.stdout(), "code")).as(bad).isEqualTo("6");
            assertThat(r.stdout()).as(bad).contains("failed to parse network configuration");
        }
    }

    @Test
    void missingEnvironmentIsReportedByName() throws Exception {
        Map<String, String> env = PluginProcess.addEnv("/n", "app", "web");
        env.remove("CNI_NETNS");
        env.remove("CNI_PATH");
        PluginProcess.Result r = PluginProcess.run(env, PluginProcess.addConfig(run, "10.244.0.10"));
        assertThat(r.exit()).isEqualTo(1);
        assertThat(field(r.stdout(), "code")).isEqualTo("4");
        assertThat(r.stdout()).contains("required env variables [CNI_NETNS CNI_PATH] missing");

        PluginProcess.Result none = PluginProcess.run(Map.of(), "{}");
        assertThat(none.stdout()).contains("\"code\":4").contains("CNI_COMMAND");
        PluginProcess.Result odd = PluginProcess.run(Map.of("CNI_COMMAND", "UPDATE"), "{}");
        assertThat(odd.stdout()).contains("\"code\":4").contains("unknown CNI_COMMAND: UPDATE");
    }

    @Test
    void versionChecksAndVersionCommand() throws Exception {
        PluginProcess.Result v = PluginProcess.run(Map.of("CNI_COMMAND", "VERSION"), "");
        assertThat(v.exit()).isZero();
        assertThat(v.stdout())
                .contains("\"supportedVersions\":[")
                .contains("\"0.3.1\"")
                .contains("\"1.0.0\"");
        Map<String, String> env = PluginProcess.addEnv("/n", "app", "web");
        PluginProcess.Result wrong = PluginProcess.run(env, "{\"cniVersion\":\"2.0.0\",\"name\":\"k\"}");
        assertThat(field(wrong.stdout(), "code")).isEqualTo("1");
        PluginProcess.Result missing = PluginProcess.run(env, "{\"name\":\"k\"}");
        assertThat(field(missing.stdout(), "code")).isEqualTo("7");
    }

    @Test
    void delAndCheckSucceedWithoutTheAgent() throws Exception {
        Map<String, String> env = PluginProcess.addEnv("/n", "app", "web");
        env.put("CNI_COMMAND", "DEL");
        env.remove("CNI_NETNS"); // the runtime may no longer have one on DEL
        PluginProcess.Result del = PluginProcess.run(env, PluginProcess.addConfig(run, "10.244.0.10"));
        assertThat(del.exit()).isZero();
        assertThat(del.stdout()).isEmpty();
        env.put("CNI_COMMAND", "CHECK");
        env.put("CNI_NETNS", "/n");
        assertThat(PluginProcess.run(env, PluginProcess.addConfig(run, "10.244.0.10"))
                        .exit())
                .isZero();
        assertThat(events).isEmpty();
    }

    @Test
    void resultAlwaysCarriesACniVersion() throws Exception {
        agentAnswers(200, "not ambient");
        String noVersion = "{\"cniVersion\":\"0.4.0\",\"name\":\"k\",\"type\":\"istio-cni\",\"ambient_enabled\":true,"
                + "\"cni_agent_run_dir\":\"" + run + "\",\"prevResult\":{\"ips\":[{\"version\":\"4\","
                + "\"address\":\"10.1.0.5/16\"}]}}";
        PluginProcess.Result r = PluginProcess.run(PluginProcess.addEnv("/n", "app", "web"), noVersion);
        assertThat(r.stdout())
                .isEqualTo("{\"cniVersion\":\"0.4.0\",\"ips\":[{\"version\":\"4\",\"address\":\"10.1.0.5/16\"}]}");
        assertThat(events.getFirst().ips()).containsExactly("10.1.0.5");
        String standalone = "{\"cniVersion\":\"1.0.0\",\"name\":\"k\",\"type\":\"istio-cni\"}";
        assertThat(PluginProcess.run(PluginProcess.addEnv("/n", "app", "web"), standalone)
                        .stdout())
                .isEqualTo("{\"cniVersion\":\"1.0.0\"}");
    }

    @Test
    void mutatedStdinNeverCrashesThePlugin() throws Exception {
        agentAnswers(200, "not ambient");
        byte[] valid =
                PluginProcess.addConfig(run, "10.244.0.10").getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        java.util.Random random = new java.util.Random(4242);
        tools.jackson.databind.json.JsonMapper json =
                tools.jackson.databind.json.JsonMapper.builder().build();
        for (int i = 0; i < 150; i++) {
            byte[] m = java.util.Arrays.copyOf(valid, 1 + random.nextInt(valid.length));
            for (int k = random.nextInt(4); k > 0; k--) {
                String alphabet = "{}[]\\\",:0x\u0000\u00ff";
                m[random.nextInt(m.length)] = (byte) alphabet.charAt(random.nextInt(alphabet.length()));
            }
            String input = new String(m, java.nio.charset.StandardCharsets.ISO_8859_1);
            PluginProcess.Result r = PluginProcess.run(PluginProcess.addEnv("/n", "app", "web"), input);
            assertThat(r.exit()).as("exit for %s", input).isIn(0, 1);
            tools.jackson.databind.JsonNode out = json.readTree(r.stdout());
            assertThat(out.has(r.exit() == 0 ? "cniVersion" : "code"))
                    .as("output %s for %s", r.stdout(), input)
                    .isTrue();
        }
    }
}
