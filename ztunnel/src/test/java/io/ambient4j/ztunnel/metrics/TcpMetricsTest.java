package io.ambient4j.ztunnel.metrics;

import static io.ambient4j.ztunnel.metrics.MetricsFixtures.inbound;
import static io.ambient4j.ztunnel.metrics.MetricsFixtures.passthrough;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** C126, C129, C130: label names, order and values of the TCP metrics, counting, and the exposition text. */
class TcpMetricsTest {

    private static Map<String, String> zip(List<String> values) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < values.size(); i++) {
            m.put(TrafficLabels.NAMES.get(i), values.get(i));
        }
        return m;
    }

    @Test
    void C126_destinationReporterLabelsInEmissionOrder() {
        Map<String, String> labels = zip(TrafficLabels.values(inbound(10, 20), ResponseFlags.NONE));
        assertThat(labels)
                .containsExactly(
                        Map.entry("reporter", "destination"),
                        Map.entry("source_workload", "captured-v1"),
                        Map.entry("source_canonical_service", "captured"),
                        Map.entry("source_canonical_revision", "v1"),
                        Map.entry("source_workload_namespace", "echo-1"),
                        Map.entry("source_principal", "spiffe://cluster.local/ns/echo-1/sa/captured-v1"),
                        Map.entry("source_app", "captured"),
                        Map.entry("source_version", "v1"),
                        Map.entry("source_cluster", "cluster-1"),
                        Map.entry("destination_service", "captured.echo-1.svc.cluster.local"),
                        Map.entry("destination_service_namespace", "echo-1"),
                        Map.entry("destination_service_name", "captured"),
                        Map.entry("destination_workload", "captured-v2"),
                        Map.entry("destination_canonical_service", "captured"),
                        Map.entry("destination_canonical_revision", "v2"),
                        Map.entry("destination_workload_namespace", "echo-1"),
                        Map.entry("destination_principal", "spiffe://cluster.local/ns/echo-1/sa/captured-v2"),
                        Map.entry("destination_app", "captured"),
                        Map.entry("destination_version", "v2"),
                        Map.entry("destination_cluster", "cluster-1"),
                        Map.entry("request_protocol", "tcp"),
                        Map.entry("response_flags", "-"),
                        Map.entry("connection_security_policy", "mutual_tls"),
                        Map.entry("source_region", "eu"),
                        Map.entry("source_zone", "eu-a"),
                        Map.entry("destination_region", "unknown"),
                        Map.entry("destination_zone", "unknown"));
    }

    @Test
    void missingValuesAreUnknownAndLocalityIsOmittedWithoutWorkloads() {
        List<String> values = TrafficLabels.values(passthrough(), ResponseFlags.CONNECT);
        assertThat(values).hasSize(TrafficLabels.NAMES.size() - 4);
        Map<String, String> labels = zip(values);
        assertThat(labels)
                .containsEntry("reporter", "source")
                .containsEntry("source_workload", "unknown")
                .containsEntry("source_principal", "unknown")
                .containsEntry("destination_service", "unknown")
                .containsEntry("destination_principal", "unknown")
                .containsEntry("response_flags", "CONNECT")
                .containsEntry("connection_security_policy", "unknown")
                .doesNotContainKey("source_region");
    }

    @Test
    void C130_openedThenClosedAndBytesEqualPayload() {
        TcpMetrics m = new TcpMetrics();
        ConnectionResult c = inbound(512, 1024);
        List<String> labels = TrafficLabels.values(c, ResponseFlags.NONE);
        m.opened(c);
        assertThat(m.value("istio_tcp_connections_opened", labels)).isEqualTo(1);
        assertThat(m.value("istio_tcp_connections_closed", labels)).isZero();
        m.closed(c);
        assertThat(m.value("istio_tcp_connections_closed", labels)).isEqualTo(1);
        assertThat(m.value("istio_tcp_sent_bytes", labels)).isEqualTo(512);
        assertThat(m.value("istio_tcp_received_bytes", labels)).isEqualTo(1024);
        assertThat(m.value("istio_tcp_connections_failed", labels)).isZero();
    }

    @Test
    void C130_failedConnectionsCountUnderTheirFlags() {
        TcpMetrics m = new TcpMetrics();
        m.closed(passthrough());
        List<String> labels = TrafficLabels.values(passthrough(), ResponseFlags.CONNECT);
        assertThat(m.value("istio_tcp_connections_failed", labels)).isEqualTo(1);
        assertThat(m.value("istio_tcp_connections_closed", labels)).isEqualTo(1);
    }

    @Test
    void C130_expositionHasStableFamiliesAndExactSeries() {
        TcpMetrics m = new TcpMetrics();
        m.opened(inbound(1, 2));
        String text = m.render();
        for (String stable : List.of(
                "istio_tcp_connections_opened",
                "istio_tcp_connections_closed",
                "istio_tcp_received_bytes",
                "istio_tcp_sent_bytes")) {
            assertThat(text).contains("# TYPE " + stable + " counter\n");
            assertThat(text.lines()
                            .filter(l -> l.startsWith("# HELP " + stable + " "))
                            .findFirst()
                            .orElseThrow())
                    .doesNotContain("unstable");
        }
        assertThat(text)
                .contains(
                        "# HELP istio_tcp_connections_failed The total number of TCP connections that failed to establish (unstable).");
        assertThat(text)
                .contains("istio_tcp_connections_opened_total{reporter=\"destination\",source_workload=\"captured-v1\","
                        + "source_canonical_service=\"captured\",source_canonical_revision=\"v1\",source_workload_namespace=\"echo-1\","
                        + "source_principal=\"spiffe://cluster.local/ns/echo-1/sa/captured-v1\",source_app=\"captured\",source_version=\"v1\","
                        + "source_cluster=\"cluster-1\",destination_service=\"captured.echo-1.svc.cluster.local\","
                        + "destination_service_namespace=\"echo-1\",destination_service_name=\"captured\",destination_workload=\"captured-v2\","
                        + "destination_canonical_service=\"captured\",destination_canonical_revision=\"v2\","
                        + "destination_workload_namespace=\"echo-1\",destination_principal=\"spiffe://cluster.local/ns/echo-1/sa/captured-v2\","
                        + "destination_app=\"captured\",destination_version=\"v2\",destination_cluster=\"cluster-1\",request_protocol=\"tcp\","
                        + "response_flags=\"-\",connection_security_policy=\"mutual_tls\",source_region=\"eu\",source_zone=\"eu-a\","
                        + "destination_region=\"unknown\",destination_zone=\"unknown\"} 1\n");
        assertThat(text).endsWith("# EOF\n");
    }

    @Test
    void labelValuesAreEscaped() {
        assertThat(TcpMetrics.escape("a\"b\\c\nd")).isEqualTo("a\\\"b\\\\c\\nd");
    }
}
