package io.ambient4j.istiod.ambient;

import static io.ambient4j.istiod.ambient.Fixtures.NS;
import static io.ambient4j.istiod.ambient.Fixtures.labels;
import static io.ambient4j.istiod.ambient.Fixtures.namespace;
import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.api.waypoint.L7Policy;
import io.ambient4j.istiod.kube.crd.AuthorizationPolicy;
import io.ambient4j.istiod.kube.crd.HTTPRoute;
import io.ambient4j.istiod.xds.TypeUrls;
import io.ambient4j.istiod.xds.XdsResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The index's L7 output follows bindings: C093 (binding), C100 (policy attachment), C110 (route attachment). */
class L7IndexTest {
    private static AuthorizationPolicy gatewayPolicy() {
        return L7Fixtures.parse("""
                apiVersion: security.istio.io/v1
                kind: AuthorizationPolicy
                metadata: {name: l7-allow, namespace: ns1}
                spec:
                  targetRefs: [{group: gateway.networking.k8s.io, kind: Gateway, name: wp}]
                  rules: [{to: [{operation: {paths: [/allowed]}}]}]
                """, AuthorizationPolicy.class);
    }

    private static HTTPRoute serviceRoute() {
        return L7Fixtures.parse("""
                apiVersion: gateway.networking.k8s.io/v1
                kind: HTTPRoute
                metadata: {name: r, namespace: ns1}
                spec:
                  parentRefs: [{group: '', kind: Service, name: reviews}]
                  rules: [{backendRefs: [{name: reviews, port: 80}]}]
                """, HTTPRoute.class);
    }

    private static Service reviews(boolean bound) {
        Service s = Fixtures.service(NS, "reviews", "10.96.0.20", Map.of("app", "reviews"), "http", 80, 8080);
        s.setMetadata(new ObjectMetaBuilder(s.getMetadata())
                .withLabels(bound ? labels(Labels.USE_WAYPOINT, "wp") : Map.of())
                .build());
        return s;
    }

    @Test
    void C100_aPolicyAppliedBeforeItsWaypointIsReadyIsPublishedOnceItIs() {
        AmbientIndex idx = Fixtures.index();
        Fixtures.upsert(idx, namespace(NS, Map.of()), gatewayPolicy(), Fixtures.waypoint(NS, "wp", "service", null));
        assertThat(idx.snapshot(TypeUrls.L7_POLICY)).isEmpty();
        assertThat(idx.errors()).containsKey("AuthorizationPolicy/ns1/l7-allow");

        var deltas = Fixtures.upsert(idx, Fixtures.waypoint(NS, "wp", "service", "wp.ns1.svc.cluster.local"));
        assertThat(Fixtures.upserted(deltas, TypeUrls.L7_POLICY)).containsExactly("ns1/l7-allow");
        XdsResource r = idx.snapshot(TypeUrls.L7_POLICY).get("ns1/l7-allow");
        assertThat(r.audience()).containsExactly("ns1/wp");
        assertThat(((L7Policy) r.body()).getServicesList()).isEmpty();
        assertThat(idx.errors()).doesNotContainKey("AuthorizationPolicy/ns1/l7-allow");
        assertThat(idx.counts()).containsEntry("l7PolicyResources", 1);
    }

    @Test
    void C110_aNamespaceLabelBindsTheRoutesServiceAndAnUnrelatedServiceChangePublishesNothing() {
        AmbientIndex idx = Fixtures.index();
        Fixtures.upsert(
                idx,
                namespace(NS, Map.of()),
                Fixtures.waypoint(NS, "wp", "service", "wp.ns1.svc.cluster.local"),
                reviews(false),
                serviceRoute());
        assertThat(idx.snapshot(TypeUrls.HTTP_ROUTE)).isEmpty();
        var bound = Fixtures.upsert(idx, namespace(NS, labels(Labels.USE_WAYPOINT, "wp")));
        assertThat(Fixtures.upserted(bound, TypeUrls.HTTP_ROUTE)).containsExactly("ns1/r");
        Service other = Fixtures.service(NS, "other", "10.96.0.21", Map.of("app", "o"), "http", 80, 8080);
        var unrelated = Fixtures.upsert(idx, other);
        assertThat(Fixtures.upserted(unrelated, TypeUrls.HTTP_ROUTE)).isEmpty();
        assertThat(Fixtures.removed(unrelated, TypeUrls.HTTP_ROUTE)).isEmpty();
    }

    @Test
    void C110_aRouteFollowsItsServiceBindingAndTheWaypointPodIsKnown() {
        AmbientIndex idx = Fixtures.index();
        Fixtures.upsert(
                idx,
                namespace(NS, Map.of()),
                Fixtures.waypoint(NS, "wp", "service", "wp.ns1.svc.cluster.local"),
                Fixtures.readyPod("wp-5d8f-abcde", "10.0.0.9", Labels.GATEWAY_NAME, "wp"),
                reviews(false),
                serviceRoute());
        assertThat(idx.snapshot(TypeUrls.HTTP_ROUTE)).isEmpty();
        assertThat(idx.waypointOfPod(NS, "wp-5d8f-abcde")).contains("ns1/wp");
        assertThat(idx.waypointOfPod(NS, "other")).isEmpty();

        var bound = Fixtures.upsert(idx, reviews(true));
        assertThat(Fixtures.upserted(bound, TypeUrls.HTTP_ROUTE)).containsExactly("ns1/r");
        assertThat(idx.snapshot(TypeUrls.HTTP_ROUTE).get("ns1/r").audience()).containsExactly("ns1/wp");

        var unbound = Fixtures.upsert(idx, reviews(false));
        assertThat(Fixtures.removed(unbound, TypeUrls.HTTP_ROUTE)).containsExactly("ns1/r");

        Fixtures.upsert(idx, reviews(true));
        var deleted = Fixtures.delete(idx, serviceRoute());
        assertThat(Fixtures.removed(deleted, TypeUrls.HTTP_ROUTE)).containsExactly("ns1/r");
    }
}
