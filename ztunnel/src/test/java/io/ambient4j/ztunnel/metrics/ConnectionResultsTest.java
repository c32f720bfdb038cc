package io.ambient4j.ztunnel.metrics;

import static io.ambient4j.ztunnel.testing.Protos.member;
import static io.ambient4j.ztunnel.testing.Protos.pod;
import static io.ambient4j.ztunnel.testing.Protos.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.ztunnel.config.LogFormat;
import io.ambient4j.ztunnel.proxy.InboundRequest;
import io.ambient4j.ztunnel.proxy.OutboundRequest;
import io.ambient4j.ztunnel.state.ProxyState;
import io.ambient4j.ztunnel.state.Workload;
import io.ambient4j.ztunnel.testing.MeshState;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** C126: telemetry built from the real routing decisions of both ends of one connection. */
class ConnectionResultsTest {
    private static final String NS = "echo-1";
    private static final String HOST = "captured." + NS + ".svc.cluster.local";

    private static ProxyState mesh() {
        return new MeshState()
                .workload(pod(NS, "captured-v1-abc", "10.0.0.1")
                        .setServiceAccount("captured-v1")
                        .setWorkloadName("captured-v1")
                        .setCanonicalName("captured")
                        .setCanonicalRevision("v1"))
                .workload(member(
                        pod(NS, "captured-v2-xyz", "10.0.0.2")
                                .setServiceAccount("captured-v2")
                                .setWorkloadName("captured-v2")
                                .setCanonicalName("captured")
                                .setCanonicalRevision("v2"),
                        NS,
                        HOST,
                        9090,
                        19090))
                .service(service(NS, "captured", "10.96.0.10", 9090, 19090))
                .build();
    }

    private static InetSocketAddress sa(String ip, int port) {
        return new InetSocketAddress(InetAddress.ofLiteral(ip), port);
    }

    private static Map<String, String> labels(ConnectionResult c) {
        var values = TrafficLabels.values(c, c.responseFlags());
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < values.size(); i++) {
            m.put(TrafficLabels.NAMES.get(i), values.get(i));
        }
        return m;
    }

    @Test
    void C126_bothReportersDescribeTheSameConnection() {
        ProxyState st = mesh();
        Workload client = st.workload("Kubernetes//Pod/echo-1/captured-v1-abc").orElseThrow();
        Workload server = st.workload("Kubernetes//Pod/echo-1/captured-v2-xyz").orElseThrow();

        OutboundRequest out = OutboundRequest.build(
                st, "", client, InetAddress.ofLiteral("10.0.0.1"), sa("10.96.0.10", 9090), b -> 0);
        ConnectionResult src = ConnectionResults.outbound(client, sa("10.0.0.1", 40000), out)
                .completed(ResponseFlags.NONE, 5, 7, Duration.ofMillis(3), Optional.empty());

        InboundRequest in = InboundRequest.build(
                st,
                "",
                new InboundRequest.Connect(
                        "CONNECT", out.hboneAuthority().orElseThrow(), Optional.of(HOST), Optional.empty()),
                Optional.of(server),
                sa("10.0.0.1", 40001),
                out.target(),
                Optional.of(client.identity()));
        ConnectionResult dst = ConnectionResults.inbound(in, out.target())
                .completed(ResponseFlags.NONE, 7, 5, Duration.ofMillis(2), Optional.empty());

        Map<String, String> s = labels(src);
        Map<String, String> d = labels(dst);
        assertThat(s.get("reporter")).isEqualTo("source");
        assertThat(d.get("reporter")).isEqualTo("destination");
        for (String k : TrafficLabels.NAMES) {
            if (!k.equals("reporter")) {
                assertThat(d.get(k)).as(k).isEqualTo(s.get(k));
            }
        }
        assertThat(d)
                .containsEntry("connection_security_policy", "mutual_tls")
                .containsEntry("source_principal", "spiffe://cluster.local/ns/echo-1/sa/captured-v1")
                .containsEntry("destination_principal", "spiffe://cluster.local/ns/echo-1/sa/captured-v2")
                .containsEntry("destination_service", HOST)
                .containsEntry("destination_service_name", "captured")
                .containsEntry("destination_service_namespace", NS)
                .containsEntry("destination_workload", "captured-v2")
                .containsEntry("source_workload", "captured-v1")
                .containsEntry("source_version", "v1")
                .containsEntry("destination_version", "v2")
                .containsEntry("destination_canonical_revision", "v2");
        assertThat(AccessLog.line("connection complete", dst, LogFormat.PLAIN))
                .contains("dst.addr=10.0.0.2:15008", "dst.hbone_addr=10.0.0.2:19090", "direction=\"inbound\"");
    }

    @Test
    void passthroughIsPlainTcpWithoutPrincipals() {
        ProxyState st = mesh();
        Workload client = st.workload("Kubernetes//Pod/echo-1/captured-v1-abc").orElseThrow();
        OutboundRequest out =
                OutboundRequest.build(st, "", client, InetAddress.ofLiteral("10.0.0.1"), sa("1.2.3.4", 443), b -> 0);
        Map<String, String> l = labels(ConnectionResults.outbound(client, sa("10.0.0.1", 40000), out));
        assertThat(l)
                .containsEntry("connection_security_policy", "unknown")
                .containsEntry("source_principal", "unknown")
                .containsEntry("destination_workload", "unknown")
                .containsEntry("source_workload", "captured-v1");
    }
}
