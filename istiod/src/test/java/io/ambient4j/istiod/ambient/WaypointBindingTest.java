package io.ambient4j.istiod.ambient;

import static io.ambient4j.istiod.ambient.Fixtures.NS;
import static io.ambient4j.istiod.ambient.Fixtures.labels;
import static io.ambient4j.istiod.ambient.Fixtures.namespace;
import static io.ambient4j.istiod.ambient.Fixtures.podUid;
import static io.ambient4j.istiod.ambient.Fixtures.readyPod;
import static io.ambient4j.istiod.ambient.Fixtures.service;
import static io.ambient4j.istiod.ambient.Fixtures.waypoint;
import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.api.workload.GatewayAddress;
import io.ambient4j.api.workload.NamespacedHostname;
import io.ambient4j.istiod.kube.crd.Gateway;
import io.ambient4j.istiod.kube.crd.GatewaySpec;
import io.ambient4j.istiod.xds.TypeUrls;
import io.fabric8.kubernetes.api.model.LabelSelectorBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Waypoint binding: C045, C047 (rules of catalogue §11 / spec §7.2). */
class WaypointBindingTest {
    private static final String SVC = NS + "/svc.ns1.svc.cluster.local";

    private static GatewayAddress address(String ns, String host) {
        return GatewayAddress.newBuilder()
                .setHostname(NamespacedHostname.newBuilder().setNamespace(ns).setHostname(host))
                .setHboneMtlsPort(15008)
                .build();
    }

    private static io.fabric8.kubernetes.api.model.Service boundService(String wp, String wpNs) {
        var b = new ServiceBuilder(service(NS, "svc", "10.96.0.1", labels("app", "a"), "http", 80, 8080))
                .editMetadata()
                .addToLabels(Labels.USE_WAYPOINT, wp)
                .endMetadata();
        if (wpNs != null) {
            b.editMetadata().addToLabels(Labels.USE_WAYPOINT_NAMESPACE, wpNs).endMetadata();
        }
        return b.build();
    }

    @Test
    void C045_serviceBoundToWaypointByLabel() {
        AmbientIndex idx = Fixtures.index();
        Fixtures.upsert(
                idx,
                namespace(NS, labels()),
                waypoint(NS, "test-wp", null, "test-wp.ns1.svc.cluster.local"),
                boundService("test-wp", null));
        assertThat(Fixtures.svc(idx, SVC).getWaypoint()).isEqualTo(address(NS, "test-wp.ns1.svc.cluster.local"));
    }

    @Test
    void C045_crossNamespaceNeedsAllowedRoutes() {
        AmbientIndex idx = Fixtures.index();
        Gateway sameOnly = waypoint("wpns", "wp", null, "wp.wpns.svc.cluster.local");
        Fixtures.upsert(idx, namespace(NS, labels("allowed", "yes")), sameOnly, boundService("wp", "wpns"));
        assertThat(Fixtures.svc(idx, SVC).hasWaypoint())
                .as("default From=Same denies")
                .isFalse();

        Gateway selector = waypoint("wpns", "wp", null, "wp.wpns.svc.cluster.local");
        GatewaySpec.AllowedRoutes ar = new GatewaySpec.AllowedRoutes();
        ar.namespaces = new GatewaySpec.RouteNamespaces();
        ar.namespaces.from = "Selector";
        ar.namespaces.selector = new LabelSelectorBuilder()
                .withMatchLabels(Map.of("allowed", "yes"))
                .build();
        selector.getSpec().listeners.getFirst().allowedRoutes = ar;
        Fixtures.upsert(idx, selector);
        assertThat(Fixtures.svc(idx, SVC).getWaypoint()).isEqualTo(address("wpns", "wp.wpns.svc.cluster.local"));

        // namespace no longer matches the selector: binding withdrawn
        Fixtures.upsert(idx, namespace(NS, labels("allowed", "no")));
        assertThat(Fixtures.svc(idx, SVC).hasWaypoint()).isFalse();
    }

    @Test
    void C047_waypointWithoutAddressIsNotAssigned() {
        AmbientIndex idx = Fixtures.index();
        Fixtures.upsert(idx, waypoint(NS, "wp", null, null), boundService("wp", null));
        assertThat(Fixtures.svc(idx, SVC).hasWaypoint()).isFalse();
        // the Gateway gets its address: the bound service is pushed with the waypoint
        var deltas = Fixtures.upsert(idx, waypoint(NS, "wp", null, "wp.ns1.svc.cluster.local"));
        assertThat(Fixtures.upserted(deltas, TypeUrls.ADDRESS)).contains(SVC);
        assertThat(Fixtures.svc(idx, SVC).getWaypoint()).isEqualTo(address(NS, "wp.ns1.svc.cluster.local"));
    }

    @Test
    void C047_namespaceLabelPodOverrideFallbackAndNone() {
        AmbientIndex idx = Fixtures.index();
        Fixtures.upsert(
                idx,
                namespace(NS, labels(Labels.USE_WAYPOINT, "nswp")),
                waypoint(NS, "nswp", "workload", "nswp.ns1.svc.cluster.local"),
                waypoint(NS, "podwp", "all", "podwp.ns1.svc.cluster.local"),
                readyPod("p", "10.0.0.1"));
        GatewayAddress nswp = address(NS, "nswp.ns1.svc.cluster.local");
        GatewayAddress podwp = address(NS, "podwp.ns1.svc.cluster.local");
        assertThat(Fixtures.workload(idx, podUid("p")).getWaypoint()).isEqualTo(nswp);

        Fixtures.upsert(idx, readyPod("p", "10.0.0.1", Labels.USE_WAYPOINT, "podwp"));
        assertThat(Fixtures.workload(idx, podUid("p")).getWaypoint()).isEqualTo(podwp);

        Fixtures.upsert(idx, readyPod("p", "10.0.0.1"));
        assertThat(Fixtures.workload(idx, podUid("p")).getWaypoint()).isEqualTo(nswp);

        Fixtures.upsert(idx, readyPod("p", "10.0.0.1", Labels.USE_WAYPOINT, "none"));
        assertThat(Fixtures.workload(idx, podUid("p")).hasWaypoint()).isFalse();
    }

    @Test
    void C047_serviceOnlyWaypointFromNamespaceIsSkippedForPods() {
        AmbientIndex idx = Fixtures.index();
        Fixtures.upsert(
                idx,
                namespace(NS, labels(Labels.USE_WAYPOINT, "svcwp")),
                waypoint(NS, "svcwp", null, "svcwp.ns1.svc.cluster.local"),
                readyPod("p", "10.0.0.1", "app", "a"),
                service(NS, "svc", "10.96.0.1", labels("app", "a"), "http", 80, 8080));
        assertThat(Fixtures.workload(idx, podUid("p")).hasWaypoint()).isFalse();
        assertThat(Fixtures.svc(idx, SVC).getWaypoint()).isEqualTo(address(NS, "svcwp.ns1.svc.cluster.local"));
    }

    @Test
    void C047_waypointPodsNeverGetAWaypointAndMorePodsCauseNoWorkloadUpdates() {
        AmbientIndex idx = Fixtures.index();
        Fixtures.upsert(
                idx,
                namespace(NS, labels(Labels.USE_WAYPOINT, "wp")),
                waypoint(NS, "wp", "all", "wp.ns1.svc.cluster.local"),
                readyPod("app", "10.0.0.1"),
                readyPod("wp-1", "10.0.0.2", Labels.GATEWAY_NAME, "wp"));
        assertThat(Fixtures.workload(idx, podUid("wp-1")).hasWaypoint()).isFalse();
        assertThat(Fixtures.workload(idx, podUid("app")).hasWaypoint()).isTrue();
        var deltas = Fixtures.upsert(idx, readyPod("wp-2", "10.0.0.3", Labels.GATEWAY_NAME, "wp"));
        assertThat(Fixtures.upserted(deltas, TypeUrls.ADDRESS)).containsExactly(podUid("wp-2"));
    }

    @Test
    void C047_waypointManagedServicesNeverGetAWaypoint() {
        AmbientIndex idx = Fixtures.index();
        Fixtures.upsert(
                idx,
                namespace(NS, labels(Labels.USE_WAYPOINT, "wp")),
                waypoint(NS, "wp", null, "wp.ns1.svc.cluster.local"),
                new ServiceBuilder(service(NS, "wp", "10.96.0.9", Map.of(), "mesh", 15008, 15008))
                        .editMetadata()
                        .addToLabels(Labels.GATEWAY_MANAGED, Labels.MANAGED_MESH_CONTROLLER)
                        .endMetadata()
                        .build());
        assertThat(Fixtures.svc(idx, NS + "/wp.ns1.svc.cluster.local").hasWaypoint())
                .isFalse();
    }

    @Test
    void C047_bogusWaypointNameIsHarmless() {
        AmbientIndex idx = Fixtures.index();
        Fixtures.upsert(
                idx,
                boundService("bogus-waypoint", null),
                new PodBuilder(readyPod("p", "10.0.0.1", Labels.USE_WAYPOINT, "bogus-waypoint")).build());
        assertThat(Fixtures.svc(idx, SVC).hasWaypoint()).isFalse();
        assertThat(Fixtures.workload(idx, podUid("p")).hasWaypoint()).isFalse();
    }

    @Test
    void C047_ipAddressedWaypoint() {
        Gateway g = waypoint(NS, "wp", null, null);
        io.ambient4j.istiod.kube.crd.GatewayStatus st = new io.ambient4j.istiod.kube.crd.GatewayStatus();
        GatewaySpec.GatewayAddress a = new GatewaySpec.GatewayAddress();
        a.type = "IPAddress";
        a.value = "10.9.9.9";
        st.addresses = java.util.List.of(a);
        g.setStatus(st);
        Waypoint w = Waypoints.fromGateway(g, java.util.List.of(), "").orElseThrow();
        assertThat(w.address().hasAddress()).isTrue();
        assertThat(w.address().getHboneMtlsPort()).isEqualTo(15008);
    }
}
