package io.ambient4j.istiod.ambient;

import static io.ambient4j.istiod.ambient.Fixtures.NS;
import static io.ambient4j.istiod.ambient.Fixtures.labels;
import static io.ambient4j.istiod.ambient.Fixtures.namespace;
import static io.ambient4j.istiod.ambient.Fixtures.podUid;
import static io.ambient4j.istiod.ambient.Fixtures.readyPod;
import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.api.security.Action;
import io.ambient4j.api.security.Authorization;
import io.ambient4j.api.security.Scope;
import io.ambient4j.api.security.StringMatch;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import org.junit.jupiter.api.Test;

/** PILOT_AUTO_ALLOW_WAYPOINT_POLICY: C060. */
class ImplicitWaypointPolicyTest {
    private static Pod waypointPod(String name, String ip, String sa) {
        return new PodBuilder(readyPod(name, ip, Labels.GATEWAY_NAME, "waypoint-ns"))
                .editSpec()
                .withServiceAccountName(sa)
                .endSpec()
                .build();
    }

    @Test
    void C060_allowFromWaypointPolicyAttachedToBoundWorkloads() {
        AmbientIndex idx = new AmbientIndex(MeshSettings.defaults().withAutoAllowWaypointPolicy(true), StatusSink.NONE);
        Fixtures.upsert(
                idx,
                namespace(NS, labels(Labels.USE_WAYPOINT, "waypoint-ns")),
                Fixtures.waypoint(NS, "waypoint-ns", "all", "waypoint-ns.ns1.svc.cluster.local"),
                waypointPod("wp-1", "10.0.0.10", "namespace-wide"),
                waypointPod("wp-2", "10.0.0.11", "waypoint-sa"),
                readyPod("app", "10.0.0.1"));
        String name = NS + "/istio_allow_waypoint_ns1_waypoint-ns";
        Authorization a = Fixtures.authz(idx, name);
        assertThat(a).isNotNull();
        assertThat(a.getAction()).isEqualTo(Action.ALLOW);
        assertThat(a.getScope()).isEqualTo(Scope.WORKLOAD_SELECTOR);
        assertThat(a.getRules(0).getClauses(0).getMatches(0).getPrincipalsList())
                .extracting(StringMatch::getExact)
                .containsExactly("cluster.local/ns/ns1/sa/namespace-wide", "cluster.local/ns/ns1/sa/waypoint-sa");
        assertThat(Fixtures.workload(idx, podUid("app")).getAuthorizationPoliciesList())
                .containsExactly(name);
        assertThat(Fixtures.workload(idx, podUid("wp-1")).getAuthorizationPoliciesList())
                .isEmpty();
    }

    @Test
    void C060_offByDefault() {
        AmbientIndex idx = Fixtures.index();
        Fixtures.upsert(
                idx,
                namespace(NS, labels(Labels.USE_WAYPOINT, "waypoint-ns")),
                Fixtures.waypoint(NS, "waypoint-ns", "all", "waypoint-ns.ns1.svc.cluster.local"),
                waypointPod("wp-1", "10.0.0.10", "namespace-wide"),
                readyPod("app", "10.0.0.1"));
        assertThat(idx.snapshot(io.ambient4j.istiod.xds.TypeUrls.AUTHORIZATION)).isEmpty();
        assertThat(Fixtures.workload(idx, podUid("app")).getAuthorizationPoliciesList())
                .isEmpty();
    }
}
