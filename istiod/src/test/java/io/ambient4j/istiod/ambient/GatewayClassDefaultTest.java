package io.ambient4j.istiod.ambient;

import static io.ambient4j.istiod.ambient.Fixtures.NS;
import static io.ambient4j.istiod.ambient.Fixtures.labels;
import static io.ambient4j.istiod.ambient.Fixtures.namespace;
import static io.ambient4j.istiod.ambient.Fixtures.podUid;
import static io.ambient4j.istiod.ambient.Fixtures.readyPod;
import static io.ambient4j.istiod.ambient.Fixtures.service;
import static io.ambient4j.istiod.ambient.Fixtures.waypoint;
import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.istiod.kube.crd.GatewayClass;
import io.ambient4j.istiod.kube.crd.GatewayClassSpec;
import io.ambient4j.istiod.xds.TypeUrls;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code istio.io/waypoint-for} defaults from the GatewayClass (spec §7.1), and what the traffic type does to
 * binding (catalogue C095: a service-only waypoint is not used for workload traffic and vice versa).
 */
class GatewayClassDefaultTest {
    private static final String SVC = NS + "/svc.ns1.svc.cluster.local";

    static GatewayClass gatewayClass(String name, String waypointFor) {
        GatewayClass gc = new GatewayClass();
        gc.setMetadata(new ObjectMetaBuilder()
                .withName(name)
                .withLabels(waypointFor == null ? Map.of() : labels(Labels.WAYPOINT_FOR, waypointFor))
                .build());
        GatewayClassSpec spec = new GatewayClassSpec();
        spec.controllerName = "istio.io/mesh-controller";
        gc.setSpec(spec);
        return gc;
    }

    @Test
    void C095_trafficTypeFromGatewayThenClassThenDefault() {
        record Case(String name, Map<String, String> gateway, Map<String, String> gatewayClass, String expected) {}
        Map<String, String> none = Map.of();
        List<Case> cases = List.of(
                new Case("neither: service", none, none, "service"),
                new Case("null maps: service", null, null, "service"),
                new Case("class only", none, labels(Labels.WAYPOINT_FOR, "workload"), "workload"),
                new Case(
                        "gateway beats class",
                        labels(Labels.WAYPOINT_FOR, "all"),
                        labels(Labels.WAYPOINT_FOR, "workload"),
                        "all"),
                new Case("gateway only", labels(Labels.WAYPOINT_FOR, "none"), none, "none"),
                new Case("other class labels ignored", none, labels("istio.io/waypoint-for-x", "workload"), "service"));
        for (Case c : cases) {
            assertThat(Waypoints.trafficType(c.gateway(), c.gatewayClass()))
                    .as(c.name())
                    .isEqualTo(c.expected());
        }
    }

    @Test
    void C095_classDefaultRebindsWhenTheClassChanges() {
        AmbientIndex idx = Fixtures.index();
        Fixtures.upsert(
                idx,
                namespace(NS, labels()),
                waypoint(NS, "wp", null, "wp.ns1.svc.cluster.local"),
                readyPod("p", "10.0.0.1", Labels.USE_WAYPOINT, "wp"),
                new ServiceBuilder(service(NS, "svc", "10.96.0.1", labels("app", "a"), "http", 80, 8080))
                        .editMetadata()
                        .addToLabels(Labels.USE_WAYPOINT, "wp")
                        .endMetadata()
                        .build());
        // No class known: the waypoint is service-only.
        assertThat(Fixtures.workload(idx, podUid("p")).hasWaypoint()).isFalse();
        assertThat(Fixtures.svc(idx, SVC).hasWaypoint()).isTrue();

        var deltas = Fixtures.upsert(idx, gatewayClass("istio-waypoint", "workload"));
        assertThat(Fixtures.upserted(deltas, TypeUrls.ADDRESS)).contains(podUid("p"), SVC);
        assertThat(Fixtures.workload(idx, podUid("p")).hasWaypoint()).isTrue();
        assertThat(Fixtures.svc(idx, SVC).hasWaypoint()).isFalse();

        // A class of another name changes nothing.
        assertThat(Fixtures.upsert(idx, gatewayClass("other", "all"))).allMatch(d -> d.isEmpty());

        // The Gateway's own label wins over the class.
        Fixtures.upsert(idx, waypoint(NS, "wp", "service", "wp.ns1.svc.cluster.local"));
        assertThat(Fixtures.workload(idx, podUid("p")).hasWaypoint()).isFalse();
        assertThat(Fixtures.svc(idx, SVC).hasWaypoint()).isTrue();

        // Deleting the class restores the built-in default.
        Fixtures.upsert(idx, waypoint(NS, "wp", null, "wp.ns1.svc.cluster.local"));
        assertThat(Fixtures.workload(idx, podUid("p")).hasWaypoint()).isTrue();
        Fixtures.delete(idx, gatewayClass("istio-waypoint", "workload"));
        assertThat(Fixtures.workload(idx, podUid("p")).hasWaypoint()).isFalse();
    }
}
