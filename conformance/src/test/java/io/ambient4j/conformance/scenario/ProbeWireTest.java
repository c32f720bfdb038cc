package io.ambient4j.conformance.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The probe's answer from a cluster pod reads back as the same outcome; anything else is a clear error. */
class ProbeWireTest {
    @Test
    void C062_outcomesRoundTrip() {
        List<Outcome> outcomes = List.of(
                Outcome.http(
                        200,
                        Map.of("content-type", "text/plain", "x-odd", "a=b:c\nd"),
                        "Hostname=server-1\nIP=10.244.1.10\n\nÜnicode ✓"),
                Outcome.http(503, Map.of(), ""),
                Outcome.tcp("Hostname=s IP=10.0.0.1\nambient4j-ping\n"),
                Outcome.failed("refused", "Connection refused"),
                Outcome.failed("eof", null),
                new Outcome("grpc", "grpc-status 12: unimplemented", null, Map.of(), "", ""));
        for (Outcome o : outcomes) {
            String text = ProbeWire.encode(o);
            assertThat(text).startsWith(ProbeWire.VERSION_LINE + "\n").endsWith("\nend\n");
            assertThat(ProbeWire.decode(text)).as(o.describe()).isEqualTo(o);
        }
    }

    @Test
    void C062_jvmNoiseBeforeTheAnswerIsIgnored() {
        String text = "OpenJDK 64-Bit Server VM warning: something\n" + ProbeWire.encode(Outcome.tcp("x"));
        assertThat(ProbeWire.decode(text)).isEqualTo(Outcome.tcp("x"));
    }

    @Test
    void C062_notAnAnswerSaysWhy() {
        String full = ProbeWire.encode(Outcome.http(200, Map.of(), "body"));
        assertThatThrownBy(() -> ProbeWire.decode("exec: java: not found"))
                .isInstanceOf(ProbeWire.ProbeWireException.class)
                .hasMessageContaining("no 'a4j-probe 1' line")
                .hasMessageContaining("java: not found");
        assertThatThrownBy(() -> ProbeWire.decode(full.replace("end\n", "")))
                .isInstanceOf(ProbeWire.ProbeWireException.class)
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> ProbeWire.decode(ProbeWire.VERSION_LINE + "\nstatus=!!!\nend\n"))
                .isInstanceOf(ProbeWire.ProbeWireException.class)
                .hasMessageContaining("not base64");
        assertThatThrownBy(() -> ProbeWire.decode(ProbeWire.VERSION_LINE + "\ncolour=eA==\nend\n"))
                .isInstanceOf(ProbeWire.ProbeWireException.class)
                .hasMessageContaining("unknown field 'colour'");
    }

    @Test
    void C062_probeCommandArgumentsRoundTrip() {
        List<ProbeCommand> commands = List.of(
                new ProbeCommand("http://server/", "GET", Map.of(), null, Duration.ofSeconds(3)),
                new ProbeCommand(
                        "h2c://server:85/p?q=1",
                        "POST",
                        Map.of("X-Foo", "a=b", "x-bar", ""),
                        "line one\nline two\n",
                        Duration.ofMillis(1500)),
                new ProbeCommand("tcp://10.0.0.1:9090", "GET", Map.of(), "", Duration.ofSeconds(1)));
        for (ProbeCommand c : commands) {
            List<String> args = c.args();
            assertThat(args.subList(0, 2)).containsExactly("probe", c.url());
            assertThat(ProbeCommand.parse(args)).isEqualTo(c);
        }
        assertThatThrownBy(() -> ProbeCommand.parse(List.of("probe", "http://x/", "--header", "novalue")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name=value");
        assertThatThrownBy(() -> ProbeCommand.parse(List.of("probe", "http://x/", "--colour", "red")))
                .hasMessageContaining("unknown option --colour");
        assertThatThrownBy(() -> ProbeCommand.parse(List.of("probe"))).hasMessageContaining("usage");
    }
}
