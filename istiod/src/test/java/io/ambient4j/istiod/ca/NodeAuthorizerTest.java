package io.ambient4j.istiod.ca;

import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.istiod.auth.Caller;
import io.ambient4j.istiod.ca.NodeAuthorizer.Decision;
import io.ambient4j.istiod.ca.NodeAuthorizer.PodInfo;
import io.ambient4j.istiod.ca.NodeAuthorizer.Reason;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The six impersonation steps of spec §4, one row per refusal and the success. */
class NodeAuthorizerTest {
    private static final Set<String> TRUSTED = Set.of("istio-system/ztunnel");
    private static final Caller ZTUNNEL = new Caller("istio-system", "ztunnel", "ztunnel-1", "uid-1");

    /** ztunnel-1 on n1; app/a on n1, app/b on n2. */
    private static final NodeAuthorizer.PodFacts PODS = new NodeAuthorizer.PodFacts() {
        private final Map<String, PodInfo> pods = Map.of(
                "istio-system/ztunnel-1", new PodInfo("uid-1", "ztunnel", "n1"),
                "istio-system/ztunnel-2", new PodInfo("uid-2", "other", "n1"));

        @Override
        public Optional<PodInfo> pod(String namespace, String name) {
            return Optional.ofNullable(pods.get(namespace + "/" + name));
        }

        @Override
        public boolean hasPodOnNode(String namespace, String serviceAccount, String node) {
            return Set.of("app/a@n1", "app/b@n2").contains(namespace + "/" + serviceAccount + "@" + node);
        }
    };

    @Test
    void S4_impersonationDecisionTable() {
        record Row(String name, Set<String> trusted, Caller caller, String requested, Optional<Reason> refusal) {}
        List<Row> rows = List.of(
                new Row(
                        "1: feature off",
                        Set.of(),
                        ZTUNNEL,
                        "spiffe://cluster.local/ns/app/sa/a",
                        Optional.of(Reason.NOT_CONFIGURED)),
                new Row(
                        "2: caller not trusted",
                        TRUSTED,
                        new Caller("app", "a", "a-1", "u"),
                        "spiffe://cluster.local/ns/app/sa/a",
                        Optional.of(Reason.CALLER_NOT_TRUSTED)),
                new Row(
                        "3: bad identity",
                        TRUSTED,
                        ZTUNNEL,
                        "spiffe://cluster.local/app/a",
                        Optional.of(Reason.INVALID_IDENTITY)),
                new Row(
                        "4: token without pod",
                        TRUSTED,
                        new Caller("istio-system", "ztunnel", "", ""),
                        "spiffe://cluster.local/ns/app/sa/a",
                        Optional.of(Reason.CALLER_POD_NOT_FOUND)),
                new Row(
                        "4: pod gone",
                        TRUSTED,
                        new Caller("istio-system", "ztunnel", "ztunnel-9", "uid-9"),
                        "spiffe://cluster.local/ns/app/sa/a",
                        Optional.of(Reason.CALLER_POD_NOT_FOUND)),
                new Row(
                        "4: UID differs (pod recreated)",
                        TRUSTED,
                        new Caller("istio-system", "ztunnel", "ztunnel-1", "uid-old"),
                        "spiffe://cluster.local/ns/app/sa/a",
                        Optional.of(Reason.CALLER_POD_UID_MISMATCH)),
                new Row(
                        "4: service account differs",
                        TRUSTED,
                        new Caller("istio-system", "ztunnel", "ztunnel-2", "uid-2"),
                        "spiffe://cluster.local/ns/app/sa/a",
                        Optional.of(Reason.CALLER_POD_SERVICE_ACCOUNT_MISMATCH)),
                new Row(
                        "5: identity on another node",
                        TRUSTED,
                        ZTUNNEL,
                        "spiffe://cluster.local/ns/app/sa/b",
                        Optional.of(Reason.NO_POD_ON_NODE)),
                new Row(
                        "5: identity nowhere",
                        TRUSTED,
                        ZTUNNEL,
                        "spiffe://cluster.local/ns/app/sa/z",
                        Optional.of(Reason.NO_POD_ON_NODE)),
                new Row("6: allowed", TRUSTED, ZTUNNEL, "spiffe://cluster.local/ns/app/sa/a", Optional.empty()));
        for (Row r : rows) {
            Decision d = NodeAuthorizer.decide(r.trusted(), r.caller(), r.requested(), PODS);
            if (r.refusal().isPresent()) {
                assertThat(d)
                        .as(r.name())
                        .isInstanceOfSatisfying(
                                Decision.Refused.class,
                                x -> assertThat(x.reason())
                                        .isEqualTo(r.refusal().get()));
            } else {
                assertThat(d).as(r.name()).isInstanceOfSatisfying(Decision.Allowed.class, x -> {
                    assertThat(x.identity().uri()).isEqualTo(r.requested());
                    assertThat(x.node()).isEqualTo("n1");
                });
            }
        }
    }
}
