package io.ambient4j.istiod.waypoint;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Gateway status for a waypoint, and the subset check that keeps the controller from rewriting objects. */
class WaypointStatusTest {
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final Instant T1 = Instant.parse("2026-01-01T00:05:00Z");

    private static Service svc(String... ips) {
        return new ServiceBuilder()
                .withNewMetadata()
                .withName("waypoint")
                .withNamespace("app")
                .endMetadata()
                .withNewSpec()
                .withClusterIP(ips.length == 0 ? null : ips[0])
                .withClusterIPs(ips)
                .endSpec()
                .build();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cond(Map<String, Object> status, String type) {
        return ((List<Map<String, Object>>) status.get("conditions"))
                .stream().filter(c -> type.equals(c.get("type"))).findFirst().orElseThrow();
    }

    @Test
    void C090_noClusterIpMeansAcceptedButNotProgrammedAndNoAddresses() {
        Map<String, Object> s = WaypointStatus.next(null, svc(), 3, "cluster.local", T0);
        assertThat(s).doesNotContainKey("addresses");
        assertThat(cond(s, "Accepted")).containsEntry("status", "True").containsEntry("observedGeneration", 3L);
        assertThat(cond(s, "Programmed"))
                .containsEntry("status", "False")
                .containsEntry("reason", "AddressNotAssigned");
    }

    @Test
    void C090_clusterIpGivesHostnameThenIpAddressesAndProgrammed() {
        Map<String, Object> before = WaypointStatus.next(null, svc(), 1, "cluster.local", T0);
        Map<String, Object> s = WaypointStatus.next(before, svc("10.96.0.9", "fd00::9"), 1, "cluster.local", T1);
        assertThat(s.get("addresses"))
                .isEqualTo(List.of(
                        Map.of("type", "Hostname", "value", "waypoint.app.svc.cluster.local"),
                        Map.of("type", "IPAddress", "value", "10.96.0.9"),
                        Map.of("type", "IPAddress", "value", "fd00::9")));
        assertThat(cond(s, "Programmed"))
                .containsEntry("status", "True")
                .containsEntry("lastTransitionTime", T1.toString());
        // Accepted did not change status, so its transition time is kept.
        assertThat(cond(s, "Accepted")).containsEntry("lastTransitionTime", T0.toString());
        assertThat(WaypointStatus.sameIgnoringTimes(
                        s, WaypointStatus.next(s, svc("10.96.0.9", "fd00::9"), 1, "cluster.local", T1)))
                .isTrue();
    }

    @Test
    void otherControllersConditionsAndFieldsAreKept() {
        Map<String, Object> current = Map.of(
                "listeners", List.of(Map.of("name", "mesh")),
                "conditions", List.of(Map.of("type", "example.com/Custom", "status", "True")));
        Map<String, Object> s = WaypointStatus.next(current, svc("10.0.0.1"), 1, "cluster.local", T0);
        assertThat(s).containsKey("listeners");
        assertThat(cond(s, "example.com/Custom")).containsEntry("status", "True");
    }

    @Test
    void subsetIgnoresServerDefaultsButNotChangedFields() {
        Map<String, Object> desired = Map.of("spec", Map.of("ports", List.of(Map.of("port", 15008))));
        Map<String, Object> actual = Map.of(
                "spec", Map.of("clusterIP", "10.0.0.1", "ports", List.of(Map.of("port", 15008L, "protocol", "TCP"))));
        assertThat(Subset.contains(actual, desired)).isTrue();
        assertThat(Subset.contains(actual, Map.of("spec", Map.of("ports", List.of(Map.of("port", 15009))))))
                .isFalse();
        assertThat(Subset.contains(
                        actual, Map.of("spec", Map.of("ports", List.of(Map.of("port", 15008), Map.of("port", 1))))))
                .isFalse();
    }
}
