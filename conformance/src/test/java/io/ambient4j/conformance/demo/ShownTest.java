package io.ambient4j.conformance.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.conformance.scenario.MetricText;
import io.ambient4j.conformance.scenario.Outcome;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShownTest {
    @Test
    void C081_whatCountsAsDenied() {
        assertThat(Shown.isDenied(Outcome.failed("reset", "Connection reset"))).isTrue();
        assertThat(Shown.isDenied(Outcome.failed("eof", "closed"))).isTrue();
        assertThat(Shown.isDenied(Outcome.http(403, Map.of(), ""))).isTrue();
        assertThat(Shown.isDenied(Outcome.http(503, Map.of(), ""))).isTrue();
        assertThat(Shown.isDenied(Outcome.http(200, Map.of(), "Hostname=server")))
                .isFalse();
        assertThat(Shown.isDenied(Outcome.failed("timeout", "read timed out"))).isFalse();
        assertThat(Shown.isDenied(Outcome.failed("refused", "Connection refused")))
                .isFalse();
        assertThat(Shown.isDenied(Outcome.failed("dns", "cannot resolve"))).isFalse();
    }

    @Test
    void C126_metricSampleShowsTheLabelsItHas() {
        MetricText.Sample s = MetricText.parse("istio_tcp_connections_opened_total{reporter=\"destination\","
                        + "source_principal=\"spiffe://cluster.local/ns/demo/sa/client\",request_protocol=\"tcp\"} 2\n")
                .getFirst();
        assertThat(Shown.describe(s, Shown.METRIC_KEYS))
                .isEqualTo("istio_tcp_connections_opened_total{reporter=\"destination\","
                        + "source_principal=\"spiffe://cluster.local/ns/demo/sa/client\"} 2");
    }

    @Test
    void accessLogEntryIsShownOnThreeLines() {
        AccessLogLine e = AccessLogLine.parse("connection complete src.addr=1.1.1.1:5 src.identity=\"spiffe://a\""
                        + " dst.addr=2.2.2.2:15008 dst.identity=\"spiffe://b\" direction=\"inbound\" bytes_sent=3"
                        + " duration=\"1ms\"")
                .orElseThrow();
        assertThat(Shown.describe(e).split("\n"))
                .containsExactly(
                        "connection complete src.addr=1.1.1.1:5 src.identity=spiffe://a",
                        "dst.addr=2.2.2.2:15008 dst.identity=spiffe://b",
                        "direction=inbound bytes_sent=3");
        assertThat(List.of(Shown.describe(e))).noneMatch(x -> x.contains("duration"));
    }
}
