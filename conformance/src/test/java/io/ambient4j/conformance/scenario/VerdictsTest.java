package io.ambient4j.conformance.scenario;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class VerdictsTest {
    private static Scenario.Expect expect(Integer status, String error, Boolean denied, String sourceIp, Boolean l7) {
        return new Scenario.Expect(
                status, error, denied, List.of(), List.of(), null, sourceIp, Map.of(), List.of(), l7, null);
    }

    private static final String BODY = "Hostname=server-abc\nIP=10.244.1.10\nRequestHeader=x-a:1\n";

    @Test
    void C062_successWithSourceIpAndL4Only() {
        Outcome ok = Outcome.http(200, Map.of(), BODY);
        assertThat(Verdicts.judge(expect(200, null, null, "10.244.1.10", false), ok, "10.244.1.10"))
                .isEmpty();
        assertThat(Verdicts.judge(expect(200, null, null, null, false), ok, "10.244.2.99"))
                .singleElement()
                .asString()
                .contains("source IP 10.244.1.10, expected 10.244.2.99");
        assertThat(Verdicts.judge(expect(200, null, null, null, true), ok, null))
                .singleElement()
                .asString()
                .contains("expected L7 processing");
        assertThat(Verdicts.judge(expect(503, null, null, null, null), ok, null))
                .singleElement()
                .asString()
                .contains("expected HTTP 503, got HTTP 200");
    }

    @Test
    void C081_deniedAcceptsUpstreamDenyOutcomesOnly() {
        Scenario.Expect denied = expect(null, null, true, null, null);
        assertThat(Verdicts.judge(denied, Outcome.failed("reset", "x"), null)).isEmpty();
        assertThat(Verdicts.judge(denied, Outcome.failed("eof", "x"), null)).isEmpty();
        assertThat(Verdicts.judge(denied, Outcome.http(403, Map.of(), ""), null))
                .isEmpty();
        assertThat(Verdicts.judge(denied, Outcome.http(503, Map.of(), ""), null))
                .isEmpty();
        assertThat(Verdicts.judge(denied, Outcome.http(200, Map.of(), BODY), null))
                .hasSize(1);
        assertThat(Verdicts.judge(denied, Outcome.failed("timeout", "x"), null)).hasSize(1);
        assertThat(Verdicts.judge(denied, Outcome.failed("refused", "x"), null)).hasSize(1);
    }

    @Test
    void errorsMustMatchExactlyOrAny() {
        assertThat(Verdicts.judge(expect(null, "refused", null, null, null), Outcome.failed("refused", ""), null))
                .isEmpty();
        assertThat(Verdicts.judge(expect(null, "refused", null, null, null), Outcome.failed("timeout", ""), null))
                .hasSize(1);
        assertThat(Verdicts.judge(expect(null, "any", null, null, null), Outcome.failed("reset", ""), null))
                .isEmpty();
        assertThat(Verdicts.judge(expect(null, "any", null, null, null), Outcome.tcp("x"), null))
                .hasSize(1);
        assertThat(Verdicts.judge(expect(null, null, null, null, null), Outcome.failed("reset", ""), null))
                .singleElement()
                .asString()
                .contains("expected success, got reset");
    }

    @Test
    void C067_serverFirstGreetingCarriesHostnameAndPeer() {
        Outcome o = Outcome.tcp("Hostname=server-x IP=10.244.2.10\nambient4j-ping\n");
        Scenario.Expect e = new Scenario.Expect(
                null, null, null, List.of(), List.of(), "server-", null, Map.of(), List.of(), null, "ambient4j-ping");
        assertThat(Verdicts.judge(e, o, "10.244.2.10")).isEmpty();
        assertThat(Verdicts.judge(e, o, "10.244.2.11")).hasSize(1);
    }

    @Test
    void C126_metricSeriesAreMatchedByLabelsAndSummed() {
        String text = """
                # TYPE istio_tcp_connections_opened counter
                istio_tcp_connections_opened_total{reporter="destination",source_principal="spiffe://cluster.local/ns/a/sa/c"} 2
                istio_tcp_connections_opened_total{reporter="source",source_principal="spiffe://cluster.local/ns/a/sa/c"} 5
                process_open_fds 12
                """;
        assertThat(Verdicts.metric(text, "istio_tcp_connections_opened_total", Map.of("reporter", "destination"), ">0"))
                .isEmpty();
        assertThat(Verdicts.metric(text, "istio_tcp_connections_opened", Map.of(), "==7"))
                .isEmpty();
        assertThat(Verdicts.metric(
                        text, "istio_tcp_connections_opened_total", Map.of("reporter", "destination"), "==3"))
                .get()
                .asString()
                .contains("= 2.0, expected ==3");
        assertThat(Verdicts.metric(text, "nope", Map.of(), ">0"))
                .get()
                .asString()
                .contains("no series nope");
        assertThat(Verdicts.metric(text, "process_open_fds", Map.of(), "12")).isEmpty();
    }

    @Test
    void C058_fieldPathsWalkMapsListsAndSelectors() {
        Map<String, Object> policy = Map.of(
                "status",
                Map.of(
                        "conditions",
                        List.of(
                                Map.of("type", "Other", "reason", "X"),
                                Map.of(
                                        "type",
                                        "ZtunnelAccepted",
                                        "reason",
                                        "Accepted",
                                        "message",
                                        "attached to ztunnel"))));
        Scenario.ObjectRef ref = new Scenario.ObjectRef("security.istio.io/v1", "AuthorizationPolicy", "ns", "p");
        List<Object> reason = List.of("status", "conditions", Map.of("type", "ZtunnelAccepted"), "reason");
        assertThat(Verdicts.field(policy, new Scenario.Field(ref, reason, "Accepted", null, false)))
                .isEmpty();
        assertThat(Verdicts.field(policy, new Scenario.Field(ref, reason, "UnsupportedValue", null, false)))
                .singleElement()
                .asString()
                .contains("is 'Accepted', expected 'UnsupportedValue'");
        assertThat(Verdicts.field(
                        policy,
                        new Scenario.Field(ref, List.of("status", "conditions", 1, "message"), null, "ztunnel", false)))
                .isEmpty();
        assertThat(Verdicts.field(
                        policy, new Scenario.Field(ref, List.of("status", "conditions", 5), null, null, true)))
                .isEmpty();
        assertThat(Verdicts.field(policy, new Scenario.Field(ref, List.of("spec"), "x", null, false)))
                .singleElement()
                .asString()
                .contains("is not set");
        assertThat(Verdicts.field(null, new Scenario.Field(ref, List.of("spec"), "x", null, false)))
                .singleElement()
                .asString()
                .contains("does not exist");
    }

    @Test
    void C020_rulesContainAndAbsent() {
        String save = "*nat\n-A ISTIO_OUTPUT -p tcp -j REDIRECT --to-ports 15001\nCOMMIT\n";
        assertThat(Verdicts.rules(save, List.of("--to-ports 15001"), List.of("15006")))
                .isEmpty();
        assertThat(Verdicts.rules(save, List.of("--to-ports 15006"), List.of("15001")))
                .hasSize(2);
    }

    @Test
    void httpResponsesAreParsedIncludingChunkedBodies() {
        byte[] raw =
                "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: b\r\n\r\n5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"
                        .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        HttpResponseText r = HttpResponseText.parse(raw);
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.headers()).containsEntry("x-a", "b");
        assertThat(r.body()).isEqualTo("hello world");
    }
}
