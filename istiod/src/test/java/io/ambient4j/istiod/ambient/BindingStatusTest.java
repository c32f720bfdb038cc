package io.ambient4j.istiod.ambient;

import static io.ambient4j.istiod.ambient.Fixtures.NS;
import static io.ambient4j.istiod.ambient.Fixtures.labels;
import static io.ambient4j.istiod.ambient.Fixtures.namespace;
import static io.ambient4j.istiod.ambient.Fixtures.service;
import static io.ambient4j.istiod.ambient.Fixtures.waypoint;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The {@code istio.io/WaypointBound} condition (spec §7.2: "errors show as status conditions"), with
 * upstream's reasons and messages: C045 (attachment denied), C047 (not ready), C094 (bogus name), and the
 * traffic-type mismatch.
 */
class BindingStatusTest {
    private static Waypoint ready(String ns, String name, String waypointFor) {
        return Waypoints.fromGateway(
                        waypoint(ns, name, waypointFor, name + "." + ns + ".svc.cluster.local"), List.of(), "")
                .orElseThrow();
    }

    private static ObjectMeta meta(String... labelPairs) {
        return new ObjectMetaBuilder()
                .withNamespace(NS)
                .withName("svc")
                .withGeneration(4L)
                .withLabels(labels(labelPairs))
                .build();
    }

    @Test
    void C045_C047_C094_serviceConditionTable() {
        Map<String, Waypoint> waypoints = Map.of(
                NS + "/wp",
                ready(NS, "wp", null),
                NS + "/wl",
                ready(NS, "wl", "workload"),
                "other/far",
                ready("other", "far", null));
        record Case(String name, ObjectMeta meta, Map<String, String> nsLabels, BindingStatus expected) {}
        List<Case> cases = List.of(
                new Case("no label: no condition", meta(), Map.of(), null),
                new Case("opt-out none: no condition", meta(Labels.USE_WAYPOINT, "none"), Map.of(), null),
                new Case(
                        "bound",
                        meta(Labels.USE_WAYPOINT, "wp"),
                        Map.of(),
                        new BindingStatus(true, "WaypointAccepted", "Successfully attached to waypoint ns1/wp", 4)),
                new Case(
                        "bound through the namespace, ingress label present but false",
                        meta(Labels.INGRESS_USE_WAYPOINT, "no"),
                        labels(Labels.USE_WAYPOINT, "wp"),
                        new BindingStatus(
                                true,
                                "WaypointAccepted",
                                "Successfully attached to waypoint ns1/wp. Ingress traffic is not using the waypoint,"
                                        + " set the istio.io/ingress-use-waypoint label to true if desired.",
                                4)),
                new Case(
                        "bound with ingress",
                        meta(Labels.USE_WAYPOINT, "wp", Labels.INGRESS_USE_WAYPOINT, "true"),
                        Map.of(),
                        new BindingStatus(
                                true,
                                "WaypointAccepted",
                                "Successfully attached to waypoint ns1/wp. Ingress traffic will traverse the waypoint",
                                4)),
                new Case(
                        "bogus name",
                        meta(Labels.USE_WAYPOINT, "bogus-waypoint"),
                        Map.of(),
                        new BindingStatus(
                                false, "WaypointIsNotReady", "waypoint \"ns1/bogus-waypoint\" is not ready", 4)),
                new Case(
                        "cross namespace without allowedRoutes",
                        meta(Labels.USE_WAYPOINT, "far", Labels.USE_WAYPOINT_NAMESPACE, "other"),
                        Map.of(),
                        new BindingStatus(
                                false,
                                "AttachmentDenied",
                                "we are not permitted to attach to waypoint \"other/far\" (missing allowedRoutes?)",
                                4)),
                new Case(
                        "workload-only waypoint",
                        meta(Labels.USE_WAYPOINT, "wl"),
                        Map.of(),
                        new BindingStatus(
                                false,
                                "UnsupportedTrafficType",
                                "attempting to bind to traffic type \"service\" which the waypoint \"ns1/wl\" does"
                                        + " not support",
                                4)));
        for (Case c : cases) {
            assertThat(Waypoints.serviceCondition(c.meta(), c.nsLabels(), waypoints))
                    .as(c.name())
                    .isEqualTo(c.expected());
        }
    }

    @Test
    void C047_workloadConditionTable() {
        Map<String, Waypoint> waypoints = Map.of(NS + "/svconly", ready(NS, "svconly", null));
        // Own label on a service-only waypoint: an error.
        assertThat(Waypoints.workloadCondition(meta(Labels.USE_WAYPOINT, "svconly"), Map.of(), waypoints))
                .isEqualTo(new BindingStatus(
                        false,
                        "UnsupportedTrafficType",
                        "attempting to bind to traffic type \"workload\" which the waypoint \"ns1/svconly\" does not"
                                + " support",
                        4));
        // Inherited from the namespace: silently skipped, no condition.
        assertThat(Waypoints.workloadCondition(meta(), labels(Labels.USE_WAYPOINT, "svconly"), waypoints))
                .isNull();
    }

    @Test
    void C047_indexReportsOnlyChanges() {
        record Report(BindingStatus.Target target, String name, BindingStatus status) {}
        List<Report> reports = new ArrayList<>();
        AmbientIndex idx = new AmbientIndex(MeshSettings.defaults(), new StatusSink() {
            @Override
            public void policyStatus(String namespace, String name, PolicyStatus status) {}

            @Override
            public void bindingStatus(BindingStatus.Target target, String ns, String name, BindingStatus status) {
                reports.add(new Report(target, ns + "/" + name, status));
            }
        });
        var svc = new ServiceBuilder(service(NS, "svc", "10.96.0.1", labels("app", "a"), "http", 80, 8080))
                .editMetadata()
                .addToLabels(Labels.USE_WAYPOINT, "wp")
                .endMetadata()
                .build();
        Fixtures.upsert(idx, namespace(NS, labels()), svc);
        assertThat(reports).hasSize(1);
        assertThat(reports.getFirst().target()).isEqualTo(BindingStatus.Target.SERVICE);
        assertThat(reports.getFirst().status().reason()).isEqualTo("WaypointIsNotReady");

        Fixtures.upsert(idx, svc);
        assertThat(reports).as("same condition again: nothing written").hasSize(1);

        Fixtures.upsert(idx, waypoint(NS, "wp", null, "wp.ns1.svc.cluster.local"));
        assertThat(reports).hasSize(2);
        assertThat(reports.getLast().status().bound()).isTrue();

        var unlabelled = new ServiceBuilder(svc)
                .editMetadata()
                .removeFromLabels(Labels.USE_WAYPOINT)
                .endMetadata()
                .build();
        Fixtures.upsert(idx, unlabelled);
        assertThat(reports).hasSize(3);
        assertThat(reports.getLast().status()).as("condition removed").isNull();
        assertThat(idx.bindingStatuses()).isEmpty();

        // A new unlabelled Service with no stored condition causes no write at all.
        Fixtures.upsert(idx, service(NS, "plain", "10.96.0.2", labels("app", "b"), "http", 80, 8080));
        assertThat(reports).hasSize(3);
    }
}
