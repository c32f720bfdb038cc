package io.ambient4j.istiod.ambient;

import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.util.List;
import java.util.Map;

/** A small mesh for the L7 translation tables: three waypoints and services bound (or not) to them. */
final class L7Fixtures {
    static final KubernetesSerialization JSON = new KubernetesSerialization();
    static final MeshSettings MESH = MeshSettings.defaults();

    private L7Fixtures() {}

    static Waypoint waypoint(String ns, String name) {
        return Waypoints.fromGateway(
                        Fixtures.waypoint(ns, name, "service", name + "." + ns + ".svc.cluster.local"), List.of(), "")
                .orElseThrow();
    }

    /**
     * ns1/wp serves reviews, ratings and the ServiceEntry ext (ext.example.com); ns1/wp-b serves details; ns1/plain
     * has no waypoint; ns2/wp2 serves ns2/other.
     */
    static L7Targets targets() {
        return new L7Targets(
                Map.of(
                        "ns1/wp", waypoint("ns1", "wp"),
                        "ns1/wp-b", waypoint("ns1", "wp-b"),
                        "ns2/wp2", waypoint("ns2", "wp2")),
                Map.of(
                        L7Targets.serviceKey("ns1", "reviews"), svc("ns1", "reviews", "ns1/wp"),
                        L7Targets.serviceKey("ns1", "ratings"), svc("ns1", "ratings", "ns1/wp"),
                        L7Targets.serviceKey("ns1", "details"), svc("ns1", "details", "ns1/wp-b"),
                        L7Targets.serviceKey("ns1", "plain"), svc("ns1", "plain", null),
                        L7Targets.serviceEntryKey("ns1", "ext"),
                                new L7Targets.Target("ns1", List.of("ext.example.com"), "ns1/wp"),
                        L7Targets.serviceKey("ns2", "other"), svc("ns2", "other", "ns2/wp2")));
    }

    private static L7Targets.Target svc(String ns, String name, String waypoint) {
        return new L7Targets.Target(ns, List.of(name + "." + ns + ".svc.cluster.local"), waypoint);
    }

    static <T> T parse(String yaml, Class<T> type) {
        return JSON.unmarshal(yaml, type);
    }
}
