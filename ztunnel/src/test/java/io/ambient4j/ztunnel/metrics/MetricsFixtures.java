package io.ambient4j.ztunnel.metrics;

import static io.ambient4j.ztunnel.testing.Protos.pod;

import io.ambient4j.api.workload.Locality;
import io.ambient4j.ztunnel.state.ServiceDescription;
import io.ambient4j.ztunnel.state.Workload;
import io.ambient4j.ztunnel.testing.MeshState;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;

/** Two echo workloads (v1 client, v2 server) and a finished inbound HBONE connection between them. */
final class MetricsFixtures {
    static final Workload CLIENT = MeshState.convert(pod("echo-1", "captured-v1-abc", "10.0.0.1")
            .setServiceAccount("captured-v1")
            .setWorkloadName("captured-v1")
            .setCanonicalName("captured")
            .setCanonicalRevision("v1")
            .setClusterId("cluster-1")
            .setLocality(Locality.newBuilder().setRegion("eu").setZone("eu-a")));
    static final Workload SERVER = MeshState.convert(pod("echo-1", "captured-v2-xyz", "10.0.0.2")
            .setServiceAccount("captured-v2")
            .setWorkloadName("captured-v2")
            .setCanonicalName("captured")
            .setCanonicalRevision("v2")
            .setClusterId("cluster-1"));
    static final ServiceDescription SVC =
            new ServiceDescription("captured.echo-1.svc.cluster.local", "captured", "echo-1");

    private MetricsFixtures() {}

    static InetSocketAddress sa(String ip, int port) {
        return new InetSocketAddress(InetAddress.ofLiteral(ip), port);
    }

    static ConnectionResult inbound(long sent, long recv) {
        return new ConnectionResult(
                Reporter.DESTINATION,
                Direction.INBOUND,
                sa("10.0.0.1", 45678),
                sa("10.0.0.2", 15008),
                Optional.of("10.0.0.2:19090"),
                Optional.of(CLIENT),
                Optional.of(CLIENT.identity()),
                Optional.of(SERVER),
                Optional.of(SVC),
                SecurityPolicy.MUTUAL_TLS,
                ResponseFlags.NONE,
                sent,
                recv,
                Duration.ofMillis(12),
                Optional.empty());
    }

    static ConnectionResult passthrough() {
        return new ConnectionResult(
                Reporter.SOURCE,
                Direction.OUTBOUND,
                sa("10.0.0.1", 45678),
                sa("1.2.3.4", 443),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                Optional.empty(),
                SecurityPolicy.UNKNOWN,
                ResponseFlags.CONNECT,
                0,
                0,
                Duration.ofMillis(3),
                Optional.of("connection refused"));
    }
}
