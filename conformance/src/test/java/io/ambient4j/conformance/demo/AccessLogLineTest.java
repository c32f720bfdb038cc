package io.ambient4j.conformance.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AccessLogLineTest {
    /** A line as the ztunnel's log file holds it (JUL's level prefix, then the access-log text). */
    private static final String INBOUND = "INFO: connection complete src.addr=10.244.1.10:46073 src.workload=\"client\""
            + " src.namespace=\"demo\" src.identity=\"spiffe://cluster.local/ns/demo/sa/client\""
            + " src.cluster=\"Kubernetes\" dst.addr=10.244.2.11:15008 dst.hbone_addr=10.244.2.11:18080"
            + " dst.service=\"server.demo.svc.cluster.local\" dst.workload=\"server\" dst.namespace=\"demo\""
            + " dst.identity=\"spiffe://cluster.local/ns/demo/sa/server\" dst.cluster=\"Kubernetes\""
            + " direction=\"inbound\" bytes_sent=15 bytes_recv=16 duration=\"16ms\"";

    @Test
    void C126_inboundEntryCarriesBothIdentities() {
        AccessLogLine e = AccessLogLine.parse(INBOUND).orElseThrow();
        assertThat(e.event()).isEqualTo("connection complete");
        assertThat(e.failed()).isFalse();
        assertThat(e.field("src.identity")).isEqualTo("spiffe://cluster.local/ns/demo/sa/client");
        assertThat(e.field("dst.identity")).isEqualTo("spiffe://cluster.local/ns/demo/sa/server");
        assertThat(e.field("direction")).isEqualTo("inbound");
        assertThat(e.field("bytes_recv")).isEqualTo("16");
        assertThat(e.sourceIp()).isEqualTo("10.244.1.10");
        assertThat(e.fields()).hasSize(16);
    }

    @Test
    void C081_denialIsAFailedEntryWithItsError() {
        String line =
                "WARNING: connection failed src.addr=10.244.1.11:54419 src.identity=\"spiffe://cluster.local/ns/demo/sa/other\""
                        + " direction=\"inbound\" bytes_sent=0 bytes_recv=0 duration=\"9ms\""
                        + " error=\"DENIED: NOT_ALLOWED: /10.244.1.11:54419(spiffe://cluster.local/ns/demo/sa/other)->/10.244.2.10:18080\"";
        AccessLogLine e = AccessLogLine.parse(line).orElseThrow();
        assertThat(e.event()).isEqualTo("connection failed");
        assertThat(e.failed()).isTrue();
        assertThat(e.field("error")).startsWith("DENIED: NOT_ALLOWED: ").endsWith("->/10.244.2.10:18080");
    }

    @Test
    void quotedValuesKeepEscapedQuotesAndBackslashes() {
        AccessLogLine e = AccessLogLine.parse(
                        "connection complete error=\"say \\\"no\\\" \\\\ twice\" direction=\"outbound\"")
                .orElseThrow();
        assertThat(e.field("error")).isEqualTo("say \"no\" \\ twice");
        assertThat(e.field("direction")).isEqualTo("outbound");
        assertThat(e.field("absent")).isEmpty();
    }

    @Test
    void otherLogLinesAreNotEntries() {
        assertThat(AccessLogLine.parse("Nov 27, 2026 2:51:45 AM io.ambient4j.ztunnel.metrics.AccessLog failed"))
                .isEmpty();
        assertThat(AccessLogLine.parse("INFO: connected to the istio-cni node agent"))
                .isEmpty();
        assertThat(AccessLogLine.parse("")).isEmpty();
    }

    @Test
    void malformedEntriesSayWhatIsWrong() {
        assertThatThrownBy(() -> AccessLogLine.parse("connection complete error=\"never closed"))
                .isInstanceOfSatisfying(
                        AccessLogLine.MalformedException.class,
                        x -> assertThat(x.reason())
                                .isEqualTo(AccessLogLine.MalformedException.Reason.UNTERMINATED_QUOTE));
        assertThatThrownBy(() -> AccessLogLine.parse("connection complete =value"))
                .isInstanceOfSatisfying(
                        AccessLogLine.MalformedException.class,
                        x -> assertThat(x.reason()).isEqualTo(AccessLogLine.MalformedException.Reason.NO_KEY));
    }

    @Test
    void C100_waypointRequestEntryIsReadOnlyByParseRequest() {
        String line = "INFO: request complete method=GET path=\"/admin\" status=403 flags=- src.addr=10.244.1.10:40533"
                + " src.workload=\"client\" src.identity=\"spiffe://cluster.local/ns/demo/sa/client\""
                + " dst.service=\"server.demo.svc.cluster.local\" dst.workload=\"\" upstream=- route=- duration=1ms";
        AccessLogLine e = AccessLogLine.parseRequest(line).orElseThrow();
        assertThat(e.event()).isEqualTo("request complete");
        assertThat(e.field("path")).isEqualTo("/admin");
        assertThat(e.field("status")).isEqualTo("403");
        assertThat(e.field("src.identity")).isEqualTo("spiffe://cluster.local/ns/demo/sa/client");
        assertThat(e.sourceIp()).isEqualTo("10.244.1.10");
        // not a ztunnel entry, and a ztunnel entry is not a request
        assertThat(AccessLogLine.parse(line)).isEmpty();
        assertThat(AccessLogLine.parseRequest(INBOUND)).isEmpty();
    }
}
