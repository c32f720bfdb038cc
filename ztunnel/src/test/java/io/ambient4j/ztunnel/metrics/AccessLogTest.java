package io.ambient4j.ztunnel.metrics;

import static io.ambient4j.ztunnel.metrics.MetricsFixtures.inbound;
import static io.ambient4j.ztunnel.metrics.MetricsFixtures.passthrough;
import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.ztunnel.config.LogFormat;
import org.junit.jupiter.api.Test;

/** C129: the access log line, field names and order of ambient-spec §9. */
class AccessLogTest {

    @Test
    void C129_inboundMtlsLineHasEveryFieldInOrder() {
        assertThat(AccessLog.line("connection complete", inbound(76, 514), LogFormat.PLAIN))
                .isEqualTo(
                        "connection complete src.addr=10.0.0.1:45678 src.workload=\"captured-v1\" src.namespace=\"echo-1\" "
                                + "src.identity=\"spiffe://cluster.local/ns/echo-1/sa/captured-v1\" src.cluster=\"cluster-1\" "
                                + "dst.addr=10.0.0.2:15008 dst.hbone_addr=10.0.0.2:19090 dst.service=\"captured.echo-1.svc.cluster.local\" "
                                + "dst.workload=\"captured-v2\" dst.namespace=\"echo-1\" "
                                + "dst.identity=\"spiffe://cluster.local/ns/echo-1/sa/captured-v2\" dst.cluster=\"cluster-1\" "
                                + "direction=\"inbound\" bytes_sent=76 bytes_recv=514 duration=\"12ms\"");
    }

    @Test
    void plaintextFailureOmitsIdentitiesAndAddsError() {
        assertThat(AccessLog.line("connection complete", passthrough(), LogFormat.PLAIN))
                .isEqualTo("connection complete src.addr=10.0.0.1:45678 dst.addr=1.2.3.4:443 direction=\"outbound\" "
                        + "bytes_sent=0 bytes_recv=0 duration=\"3ms\" error=\"connection refused\"");
    }

    @Test
    void jsonFormatKeepsTheSameFieldsAndOrder() {
        assertThat(AccessLog.line("connection complete", passthrough(), LogFormat.JSON))
                .isEqualTo(
                        "{\"message\":\"connection complete\",\"src.addr\":\"10.0.0.1:45678\",\"dst.addr\":\"1.2.3.4:443\","
                                + "\"direction\":\"outbound\",\"bytes_sent\":0,\"bytes_recv\":0,\"duration\":\"3ms\","
                                + "\"error\":\"connection refused\"}");
    }
}
