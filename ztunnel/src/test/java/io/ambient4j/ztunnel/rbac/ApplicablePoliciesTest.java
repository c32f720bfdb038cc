package io.ambient4j.ztunnel.rbac;

import static io.ambient4j.ztunnel.testing.Protos.pod;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Empty;
import io.ambient4j.api.security.Action;
import io.ambient4j.api.security.Clause;
import io.ambient4j.api.security.Match;
import io.ambient4j.api.security.Rule;
import io.ambient4j.api.security.Scope;
import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.ztunnel.state.ProtoConversion;
import io.ambient4j.ztunnel.state.ProxyState;
import io.ambient4j.ztunnel.state.StateDelta;
import io.ambient4j.ztunnel.state.StateUpdater;
import io.ambient4j.ztunnel.state.Workload;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Policies as istiod sends them, through conversion and ProxyState's applicable set, into the authorizer. */
class ApplicablePoliciesTest {
    private static io.ambient4j.api.security.Authorization.Builder proto(
            String ns, String name, Scope scope, Action action) {
        return io.ambient4j.api.security.Authorization.newBuilder()
                .setNamespace(ns)
                .setName(name)
                .setScope(scope)
                .setAction(action);
    }

    private static Authorization convert(io.ambient4j.api.security.Authorization.Builder b) {
        return ProtoConversion.authorization(b.getNamespace() + "/" + b.getName(), b.build());
    }

    private static Workload workload(io.ambient4j.api.workload.Workload.Builder b) {
        var p = b.build();
        return ProtoConversion.workload(p.getUid(), p);
    }

    private static Connection to(Workload dst, SpiffeId src, int port) {
        return new Connection(
                RbacFixtures.sa("10.0.0.9", 50000),
                new java.net.InetSocketAddress(dst.addresses().getFirst(), port),
                Optional.ofNullable(src));
    }

    @Test
    void C052_staticStrictAttachedByNameDeniesPlaintextOnlyWhereListed() {
        Authorization strict =
                convert(proto("istio-system", "istio_converted_static_strict", Scope.WORKLOAD_SELECTOR, Action.DENY)
                        .addRules(Rule.newBuilder()
                                .addClauses(Clause.newBuilder()
                                        .addMatches(Match.newBuilder()
                                                .addNotPrincipals(io.ambient4j.api.security.StringMatch.newBuilder()
                                                        .setPresence(Empty.getDefaultInstance()))))));
        Workload strictWl = workload(pod("echo", "strict", "10.0.0.1").addAuthorizationPolicies(strict.key()));
        Workload permissiveWl = workload(pod("echo", "permissive", "10.0.0.2"));
        ProxyState st = new StateUpdater()
                .apply(new StateDelta(List.of(strictWl, permissiveWl), List.of(), List.of(strict), List.of()));

        Decision d = Authorizer.evaluate(to(strictWl, null, 19090), st.applicablePolicies(strictWl));
        assertThat(d.outcome()).isEqualTo(Decision.Outcome.EXPLICITLY_DENIED);
        assertThat(d.policy()).contains("istio-system/istio_converted_static_strict");
        assertThat(Authorizer.evaluate(to(strictWl, strictWl.identity(), 19090), st.applicablePolicies(strictWl))
                        .allowed())
                .isTrue();
        assertThat(Authorizer.evaluate(to(permissiveWl, null, 19090), st.applicablePolicies(permissiveWl))
                        .allowed())
                .isTrue();
    }

    @Test
    void C084_workloadNamespaceAndGlobalPoliciesAllCount() {
        SpiffeId src = new SpiffeId("cluster.local", "echo", "src");
        Authorization global = convert(proto("istio-system", "deny-9999", Scope.GLOBAL, Action.DENY)
                .addRules(Rule.newBuilder()
                        .addClauses(Clause.newBuilder()
                                .addMatches(Match.newBuilder().addDestinationPorts(9999)))));
        Authorization namespaced = convert(proto("echo", "allow-80", Scope.NAMESPACE, Action.ALLOW)
                .addRules(Rule.newBuilder()
                        .addClauses(Clause.newBuilder()
                                .addMatches(Match.newBuilder().addDestinationPorts(80)))));
        Authorization selected = convert(proto("echo", "allow-81", Scope.WORKLOAD_SELECTOR, Action.ALLOW)
                .addRules(Rule.newBuilder()
                        .addClauses(Clause.newBuilder()
                                .addMatches(Match.newBuilder().addDestinationPorts(81)))));
        Workload a = workload(pod("echo", "a", "10.0.0.1").addAuthorizationPolicies(selected.key()));
        Workload b = workload(pod("echo", "b", "10.0.0.2"));
        Workload c = workload(pod("other", "c", "10.0.0.3"));
        ProxyState st = new StateUpdater()
                .apply(new StateDelta(List.of(a, b, c), List.of(), List.of(global, namespaced, selected), List.of()));

        assertThat(Authorizer.evaluate(to(a, src, 80), st.applicablePolicies(a)).allowed())
                .isTrue();
        assertThat(Authorizer.evaluate(to(a, src, 81), st.applicablePolicies(a)).allowed())
                .isTrue();
        assertThat(Authorizer.evaluate(to(a, src, 82), st.applicablePolicies(a)).outcome())
                .isEqualTo(Decision.Outcome.NOT_ALLOWED);
        assertThat(Authorizer.evaluate(to(b, src, 81), st.applicablePolicies(b)).outcome())
                .isEqualTo(Decision.Outcome.NOT_ALLOWED);
        assertThat(Authorizer.evaluate(to(c, src, 82), st.applicablePolicies(c)).allowed())
                .isTrue();
        assertThat(Authorizer.evaluate(to(c, src, 9999), st.applicablePolicies(c))
                        .policy())
                .contains("istio-system/deny-9999");
    }

    @Test
    void C081_destinationNotSelectedIsUnaffected() {
        Authorization onlyElse = convert(proto("echo", "allow-else", Scope.WORKLOAD_SELECTOR, Action.ALLOW)
                .addRules(Rule.newBuilder()
                        .addClauses(Clause.newBuilder()
                                .addMatches(Match.newBuilder()
                                        .addPrincipals(io.ambient4j.api.security.StringMatch.newBuilder()
                                                .setExact("cluster.local/ns/something/sa/else"))))));
        Workload selected = workload(pod("echo", "selected", "10.0.0.1").addAuthorizationPolicies(onlyElse.key()));
        Workload notSelected = workload(pod("echo", "free", "10.0.0.2"));
        ProxyState st = new StateUpdater()
                .apply(new StateDelta(List.of(selected, notSelected), List.of(), List.of(onlyElse), List.of()));
        SpiffeId src = new SpiffeId("cluster.local", "echo", "src");
        assertThat(Authorizer.evaluate(to(selected, src, 19090), st.applicablePolicies(selected))
                        .allowed())
                .isFalse();
        assertThat(Authorizer.evaluate(to(notSelected, src, 19090), st.applicablePolicies(notSelected))
                        .allowed())
                .isTrue();
    }
}
