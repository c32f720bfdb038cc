package io.ambient4j.istiod.ambient;

import static io.ambient4j.istiod.ambient.Fixtures.NS;
import static io.ambient4j.istiod.ambient.Fixtures.labels;
import static io.ambient4j.istiod.ambient.Fixtures.podUid;
import static io.ambient4j.istiod.ambient.Fixtures.policy;
import static io.ambient4j.istiod.ambient.Fixtures.readyPod;
import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.istiod.xds.TypeUrls;
import org.junit.jupiter.api.Test;

/** Workload.authorization_policies lists selector-scoped policies that select it (C055 attachment). */
class SelectorPolicyAttachmentTest {
    @Test
    void C055_selectorPoliciesAttachIncrementally() {
        AmbientIndex idx = Fixtures.index();
        Fixtures.upsert(idx, readyPod("a", "10.0.0.1", "app", "a"), readyPod("b", "10.0.0.2", "app", "b"));
        var pol = policy(NS, "only-a", Fixtures.allowFromPrincipals(labels("app", "a"), "cluster.local/ns/x/sa/y"));
        var deltas = Fixtures.upsert(idx, pol);
        assertThat(Fixtures.upserted(deltas, TypeUrls.ADDRESS)).containsExactly(podUid("a"));
        assertThat(Fixtures.upserted(deltas, TypeUrls.AUTHORIZATION)).containsExactly("ns1/only-a");
        assertThat(Fixtures.workload(idx, podUid("a")).getAuthorizationPoliciesList())
                .containsExactly("ns1/only-a");
        assertThat(Fixtures.workload(idx, podUid("b")).getAuthorizationPoliciesList())
                .isEmpty();

        // a namespace-scoped policy is not listed on workloads
        deltas = Fixtures.upsert(idx, policy(NS, "ns-wide", Fixtures.allowFromPrincipals(null, "x")));
        assertThat(Fixtures.upserted(deltas, TypeUrls.ADDRESS)).isEmpty();

        // a root-namespace selector policy selects in every namespace
        Fixtures.upsert(idx, policy("istio-system", "root-b", Fixtures.allowFromPrincipals(labels("app", "b"), "x")));
        assertThat(Fixtures.workload(idx, podUid("b")).getAuthorizationPoliciesList())
                .containsExactly("istio-system/root-b");

        // change the selector: a leaves, b joins
        deltas = Fixtures.upsert(
                idx, policy(NS, "only-a", Fixtures.allowFromPrincipals(labels("app", "b"), "cluster.local/ns/x/sa/y")));
        assertThat(Fixtures.upserted(deltas, TypeUrls.ADDRESS)).containsExactly(podUid("a"), podUid("b"));
        assertThat(Fixtures.workload(idx, podUid("b")).getAuthorizationPoliciesList())
                .containsExactly("istio-system/root-b", "ns1/only-a");

        deltas = Fixtures.delete(idx, pol);
        assertThat(Fixtures.removed(deltas, TypeUrls.AUTHORIZATION)).containsExactly("ns1/only-a");
        assertThat(Fixtures.workload(idx, podUid("b")).getAuthorizationPoliciesList())
                .containsExactly("istio-system/root-b");
    }
}
