package io.ambient4j.ztunnel.proxy;

import static io.ambient4j.ztunnel.testing.Protos.member;
import static io.ambient4j.ztunnel.testing.Protos.pod;
import static io.ambient4j.ztunnel.testing.Protos.service;
import static io.ambient4j.ztunnel.testing.Protos.waypointByHost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.UInt32Value;
import io.ambient4j.api.workload.LoadBalancing;
import io.ambient4j.api.workload.Locality;
import io.ambient4j.api.workload.WeightedWaypoint;
import io.ambient4j.ztunnel.state.ProxyState;
import io.ambient4j.ztunnel.state.Workload;
import io.ambient4j.ztunnel.testing.MeshState;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Endpoint choice: capacity weights, locality ranking, STRICT, weighted waypoints. */
class LoadBalancerTest {
    private static final String H = "svc.ns.svc.cluster.local";
    private static final InetSocketAddress VIP = new InetSocketAddress(InetAddress.ofLiteral("10.96.0.1"), 80);

    private static io.ambient4j.api.workload.Workload.Builder ep(String name, String ip, String zone, int capacity) {
        return member(pod("ns", name, ip), "ns", H, 80, 8080)
                .setLocality(Locality.newBuilder().setRegion("r1").setZone(zone))
                .setCapacity(UInt32Value.of(capacity));
    }

    private static Workload client(String zone) {
        return MeshState.convert(pod("ns", "client", "10.0.0.1")
                .setLocality(Locality.newBuilder().setRegion("r1").setZone(zone)));
    }

    private static Map<String, Integer> histogram(ProxyState st, Workload src, int total) {
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < total; i++) {
            int fixed = i;
            OutboundRequest r =
                    OutboundRequest.build(st, "", src, src.addresses().getFirst(), VIP, bound -> fixed % bound);
            seen.merge(r.destinationWorkload().orElseThrow().name(), 1, Integer::sum);
        }
        return seen;
    }

    @Test
    void capacityWeightsTheRandomChoice() {
        ProxyState st = new MeshState()
                .workload(ep("a", "10.0.1.1", "z1", 1))
                .workload(ep("b", "10.0.1.2", "z1", 3))
                .workload(ep("zero", "10.0.1.3", "z1", 0))
                .service(service("ns", "svc", "10.96.0.1", 80, 8080))
                .build();
        // Drawing every value of [0, 4) once: a gets 1 share, b 3, zero none.
        assertThat(histogram(st, client("z1"), 4)).isEqualTo(Map.of("a", 1, "b", 3));
    }

    @Test
    void failoverPrefersTheClosestLocalityButFallsBack() {
        var lb = LoadBalancing.newBuilder()
                .setMode(LoadBalancing.Mode.FAILOVER)
                .addRoutingPreference(LoadBalancing.Scope.NETWORK)
                .addRoutingPreference(LoadBalancing.Scope.REGION)
                .addRoutingPreference(LoadBalancing.Scope.ZONE);
        ProxyState st = new MeshState()
                .workload(ep("near", "10.0.1.1", "z1", 1))
                .workload(ep("far", "10.0.1.2", "z2", 1))
                .service(service("ns", "svc", "10.96.0.1", 80, 8080).setLoadBalancing(lb))
                .build();
        assertThat(histogram(st, client("z1"), 10)).isEqualTo(Map.of("near", 10));
        assertThat(histogram(st, client("z2"), 10)).isEqualTo(Map.of("far", 10));
        assertThat(histogram(st, client("z9"), 10)).containsOnlyKeys("near", "far");
    }

    @Test
    void strictRefusesEndpointsOutsideTheScope() {
        var lb = LoadBalancing.newBuilder()
                .setMode(LoadBalancing.Mode.STRICT)
                .addRoutingPreference(LoadBalancing.Scope.NODE);
        ProxyState st = new MeshState()
                .workload(ep("other-node", "10.0.1.1", "z1", 1).setNode("node-2"))
                .service(service("ns", "svc", "10.96.0.1", 80, 8080).setLoadBalancing(lb))
                .build();
        assertThatThrownBy(() ->
                        OutboundRequest.build(st, "", client("z1"), InetAddress.ofLiteral("10.0.0.1"), VIP, b -> 0))
                .isInstanceOfSatisfying(
                        OutboundRoutingException.class,
                        e -> assertThat(e.reason()).isEqualTo(OutboundRoutingException.Reason.NO_HEALTHY_UPSTREAM));
        ProxyState sameNode = new MeshState()
                .workload(ep("same-node", "10.0.1.1", "z1", 1))
                .service(service("ns", "svc", "10.96.0.1", 80, 8080).setLoadBalancing(lb))
                .build();
        assertThat(histogram(sameNode, client("z1"), 3)).isEqualTo(Map.of("same-node", 3));
    }

    @Test
    void weightedWaypointsSplitByWeight() {
        ProxyState st = new MeshState()
                .workload(member(pod("ns", "wp-a", "10.0.9.1"), "ns", "wp-a.ns.svc.cluster.local", 15008, 15008))
                .service(service("ns", "wp-a", "10.96.9.1", 15008, 15008))
                .workload(member(pod("ns", "wp-b", "10.0.9.2"), "ns", "wp-b.ns.svc.cluster.local", 15008, 15008))
                .service(service("ns", "wp-b", "10.96.9.2", 15008, 15008))
                .workload(ep("a", "10.0.1.1", "z1", 1))
                .service(service("ns", "svc", "10.96.0.1", 80, 8080)
                        .setWaypoint(waypointByHost("ns", "wp-a.ns.svc.cluster.local"))
                        .addWeightedWaypoints(WeightedWaypoint.newBuilder()
                                .setDestination(waypointByHost("ns", "wp-a.ns.svc.cluster.local"))
                                .setWeight(1))
                        .addWeightedWaypoints(WeightedWaypoint.newBuilder()
                                .setDestination(waypointByHost("ns", "wp-b.ns.svc.cluster.local"))
                                .setWeight(3)))
                .build();
        assertThat(histogram(st, client("z1"), 4)).isEqualTo(Map.of("wp-a", 1, "wp-b", 3));
    }
}
