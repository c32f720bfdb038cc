package io.ambient4j.conformance.echo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ambient4j.conformance.scenario.Outcome;
import io.ambient4j.conformance.scenario.Probe;
import io.ambient4j.conformance.scenario.ProbeCommand;
import io.ambient4j.conformance.scenario.ProbeWire;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The echo image's two modes as separate JVMs, on loopback (the container's own network in a pod): {@code serve}
 * answers as the pod it is told it is, {@code probe} prints an outcome the runner reads back.
 */
class EchoMainTest {
    @Test
    void C062_serveArgumentsRoundTrip() {
        List<EchoServer.Port> ports = List.of(
                new EchoServer.Port("http", 18080),
                new EchoServer.Port("tcp-server", 16060),
                new EchoServer.Port("", 9));
        assertThat(EchoImage.serveArgs(ports)).containsExactly("serve", "http=18080", "tcp-server=16060", "9");
        assertThat(EchoImage.parsePorts(EchoImage.serveArgs(ports).subList(1, 4)))
                .isEqualTo(ports);
        assertThat(EchoImage.parsePorts(List.of())).isEmpty();
        assertThatThrownBy(() -> EchoImage.parsePorts(List.of("http=x"))).hasMessageContaining("name=port");
        assertThatThrownBy(() -> EchoImage.parsePorts(List.of("http=70000"))).hasMessageContaining("out of range");
        assertThat(EchoImage.probeExec(List.of("probe", "http://s/")))
                .startsWith("java")
                .contains("-cp", "@/app/jib-classpath-file")
                .endsWith(EchoImage.MAIN_CLASS, "probe", "http://s/");
    }

    @Test
    void C062_serveModeAnswersAsThePodAndProbeModePrintsTheOutcome() throws Exception {
        int http = freePort();
        int tcpServer = freePort();
        Process serve = java(
                Map.of("POD_NAME", "server-abc", "POD_NAMESPACE", "echo-ns"),
                "serve",
                "http=" + http,
                "tcp-server=" + tcpServer);
        try {
            BufferedReader out =
                    new BufferedReader(new InputStreamReader(serve.getInputStream(), StandardCharsets.UTF_8));
            // the first line is printed once every port is bound
            assertThat(out.readLine()).startsWith("echo: serving http=" + http).endsWith("as echo-ns/server-abc");

            // an in-process probe in this namespace (as EchoMain's probe mode runs)
            Outcome direct = Probe.here()
                    .run(null, "http://127.0.0.1:" + http + "/hello?x=1", "GET", Map.of(), null, Duration.ofSeconds(3));
            assertThat(direct.status()).isEqualTo(200);
            assertThat(direct.body()).contains("Hostname=server-abc", "Namespace=echo-ns", "URL=/hello?x=1");

            // the probe mode as its own JVM, its output decoded as the runner decodes an exec's stdout
            ProbeCommand c = new ProbeCommand(
                    "h2c://127.0.0.1:" + http + "/p", "GET", Map.of("x-foo", "bar"), null, Duration.ofSeconds(3));
            Outcome viaCli = ProbeWire.decode(runProbe(c.args()));
            assertThat(viaCli.status()).isEqualTo(200);
            assertThat(viaCli.body()).contains("Proto=HTTP/2.0", "RequestHeader=x-foo:bar", "IP=127.0.0.1");

            Outcome greeting = ProbeWire.decode(runProbe(new ProbeCommand(
                            "tcp-server://127.0.0.1:" + tcpServer, "GET", Map.of(), "hi\n", Duration.ofSeconds(3))
                    .args()));
            assertThat(greeting.reply())
                    .startsWith("Hostname=server-abc IP=127.0.0.1\n")
                    .endsWith("hi\n");

            serve.destroy();
            assertThat(serve.waitFor(20, TimeUnit.SECONDS)).isTrue();
            Outcome refused = ProbeWire.decode(runProbe(
                    new ProbeCommand("http://127.0.0.1:" + http + "/", "GET", Map.of(), null, Duration.ofSeconds(2))
                            .args()));
            assertThat(refused.error()).isEqualTo("refused");
        } finally {
            serve.destroyForcibly();
        }
    }

    @Test
    void C062_badArgumentsExitTwoWithUsage() throws Exception {
        Process p = java(Map.of(), "probe");
        String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        assertThat(err).contains("usage: probe <url>");
    }

    private static String runProbe(List<String> args) throws IOException, InterruptedException {
        Process p = java(Map.of(), args.toArray(String[]::new));
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        return out;
    }

    private static Process java(Map<String, String> env, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                EchoImage.MAIN_CLASS));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        return pb.start();
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
