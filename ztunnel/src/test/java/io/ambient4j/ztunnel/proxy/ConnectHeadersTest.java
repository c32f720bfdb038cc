package io.ambient4j.ztunnel.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.ztunnel.state.ServiceDescription;
import io.ambient4j.ztunnel.state.Workload;
import io.ambient4j.ztunnel.testing.MeshState;
import io.ambient4j.ztunnel.testing.Protos;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The CONNECT telemetry headers of ambient-spec §2.2, pinned as text. */
class ConnectHeadersTest {
    static final Workload CLIENT = MeshState.convert(Protos.pod("a", "client", "10.0.0.1")
            .setWorkloadType(io.ambient4j.api.workload.WorkloadType.DEPLOYMENT)
            .setLocality(io.ambient4j.api.workload.Locality.newBuilder()
                    .setRegion("r1")
                    .setZone("z1")));

    @Test
    void baggageDescribesTheSourceWorkload() {
        assertThat(ConnectHeaders.baggage(CLIENT, "ignored"))
                .isEqualTo("k8s.cluster.name=Kubernetes,k8s.namespace.name=a,k8s.deployment.name=client,"
                        + "service.name=client,service.version=v1,cloud.region=r1,cloud.availability_zone=z1");
    }

    @Test
    void forwardedCarriesClientAndIntendedService() throws Exception {
        InetSocketAddress client = new InetSocketAddress(InetAddress.getByName("10.0.0.1"), 40000);
        assertThat(ConnectHeaders.forwarded(client, Optional.empty())).isEqualTo("for=\"10.0.0.1:40000\"");
        String withHost = ConnectHeaders.forwarded(
                client, Optional.of(new ServiceDescription("web.b.svc.cluster.local", "web", "b")));
        assertThat(withHost).isEqualTo("for=\"10.0.0.1:40000\";host=web.b.svc.cluster.local");
        assertThat(ConnectHeaders.forwardedHost(Optional.of(withHost))).contains("web.b.svc.cluster.local");
        assertThat(ConnectHeaders.forwardedHost(Optional.of("for=\"1.2.3.4:5\";host=\"x.y\"")))
                .contains("x.y");
        assertThat(ConnectHeaders.forwardedHost(Optional.of("for=\"1.2.3.4:5\"")))
                .isEmpty();

        InetSocketAddress v6 = new InetSocketAddress(InetAddress.getByName("fd00::1"), 80);
        assertThat(ConnectHeaders.forwarded(v6, Optional.empty())).isEqualTo("for=\"[fd00::1]:80\"");
    }

    @Test
    void traceparentIsAFreshW3cTraceEachTime() {
        String a = ConnectHeaders.traceparent();
        assertThat(a).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-00");
        assertThat(ConnectHeaders.traceparent()).isNotEqualTo(a);
    }
}
