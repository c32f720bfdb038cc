package io.ambient4j.waypoint.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.api.workload.Workload;
import io.ambient4j.ztunnel.state.NetworkAddress;
import io.ambient4j.ztunnel.state.ProxyState;
import io.ambient4j.ztunnel.testing.MeshState;
import io.ambient4j.ztunnel.testing.Protos;
import java.net.InetAddress;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** C098/C093: a waypoint serves what is bound to it (by its Service's name, its VIP or its pod IP) and nothing else. */
class BindingTest {
    static final InetAddress SELF = InetAddress.ofLiteral("10.244.0.9");
    static final String WAYPOINT_HOST = "waypoint.app.svc.cluster.local";

    static Workload.Builder self() {
        return Protos.member(
                Protos.pod("app", "waypoint", "10.244.0.9").setServiceAccount("waypoint"),
                "app",
                WAYPOINT_HOST,
                15008,
                15008);
    }

    static ProxyState mesh(boolean withSelf) {
        MeshState m = new MeshState()
                .service(Protos.service("app", "waypoint", "10.96.0.2", 15008, 15008))
                .service(Protos.service("app", "by-host", "10.96.0.10", 80, 8080)
                        .setWaypoint(Protos.waypointByHost("app", WAYPOINT_HOST)))
                .service(Protos.service("app", "by-vip", "10.96.0.11", 80, 8080)
                        .setWaypoint(Protos.waypointByIp("10.96.0.2")))
                .service(Protos.service("app", "by-pod-ip", "10.96.0.12", 80, 8080)
                        .setWaypoint(Protos.waypointByIp("10.244.0.9")))
                .service(Protos.service("app", "other", "10.96.0.13", 80, 8080)
                        .setWaypoint(Protos.waypointByHost("app", "other.app.svc.cluster.local")))
                .service(Protos.service("app", "none", "10.96.0.14", 80, 8080))
                .workload(Protos.pod("app", "bound-pod", "10.244.0.20")
                        .setWaypoint(Protos.waypointByHost("app", WAYPOINT_HOST)))
                .workload(Protos.pod("app", "plain-pod", "10.244.0.21"));
        if (withSelf) {
            m.workload(self());
        }
        return m.build();
    }

    static Destination svc(ProxyState mesh, String vip) {
        return new Destination.ToService(
                mesh.serviceByVip(new NetworkAddress("", InetAddress.ofLiteral(vip)), Optional.empty())
                        .orElseThrow(),
                80);
    }

    static Destination pod(ProxyState mesh, String ip) {
        return new Destination.ToWorkload(
                mesh.workloadByAddress(new NetworkAddress("", InetAddress.ofLiteral(ip)))
                        .orElseThrow(),
                8080);
    }

    @Test
    void C098_servedByHostnameVipOrPodIp_notOtherOrNone() {
        ProxyState m = mesh(true);
        assertThat(Binding.check(m, "", SELF, svc(m, "10.96.0.10"))).isEqualTo(Binding.Verdict.SERVED);
        assertThat(Binding.check(m, "", SELF, svc(m, "10.96.0.11"))).isEqualTo(Binding.Verdict.SERVED);
        assertThat(Binding.check(m, "", SELF, svc(m, "10.96.0.12"))).isEqualTo(Binding.Verdict.SERVED);
        assertThat(Binding.check(m, "", SELF, svc(m, "10.96.0.13"))).isEqualTo(Binding.Verdict.NOT_SERVED);
        assertThat(Binding.check(m, "", SELF, svc(m, "10.96.0.14"))).isEqualTo(Binding.Verdict.NOT_SERVED);
        assertThat(Binding.check(m, "", SELF, pod(m, "10.244.0.20"))).isEqualTo(Binding.Verdict.SERVED);
        assertThat(Binding.check(m, "", SELF, pod(m, "10.244.0.21"))).isEqualTo(Binding.Verdict.NOT_SERVED);
    }

    @Test
    void withoutItsOwnWorkloadTheWaypointCannotTellAndServes() {
        ProxyState m = mesh(false);
        assertThat(Binding.check(m, "", SELF, svc(m, "10.96.0.13"))).isEqualTo(Binding.Verdict.SELF_UNKNOWN);
    }
}
