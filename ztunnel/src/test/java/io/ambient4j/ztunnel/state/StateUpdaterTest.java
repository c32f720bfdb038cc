package io.ambient4j.ztunnel.state;

import static io.ambient4j.ztunnel.testing.Protos.member;
import static io.ambient4j.ztunnel.testing.Protos.pod;
import static io.ambient4j.ztunnel.testing.Protos.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.api.security.Scope;
import io.ambient4j.ztunnel.rbac.Authorization;
import java.net.InetAddress;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class StateUpdaterTest {
    private static final String HOST = "svc.ns.svc.cluster.local";

    private static Workload wl(io.ambient4j.api.workload.Workload.Builder b) {
        var p = b.build();
        return ProtoConversion.workload(p.getUid(), p);
    }

    private static Service svc(io.ambient4j.api.workload.Service.Builder b) {
        var p = b.build();
        return ProtoConversion.service(p.getNamespace() + "/" + p.getHostname(), p);
    }

    private static Authorization pol(String ns, String name, Scope scope) {
        return ProtoConversion.authorization(
                ns + "/" + name,
                io.ambient4j.api.security.Authorization.newBuilder()
                        .setNamespace(ns)
                        .setName(name)
                        .setScope(scope)
                        .build());
    }

    private static NetworkAddress na(String ip) throws Exception {
        return new NetworkAddress("", InetAddress.getByName(ip));
    }

    @Test
    void indexesByUidIpServiceVipAndEndpoints() throws Exception {
        StateUpdater u = new StateUpdater();
        Workload a = wl(member(pod("ns", "a", "10.0.0.1"), "ns", HOST, 80, 8080));
        Service s = svc(service("ns", "svc", "10.96.0.1", 80, 8080));
        ProxyState st = u.apply(StateDelta.ofAddresses(List.of(a, s), List.of()));

        assertThat(st.workload(a.uid())).contains(a);
        assertThat(st.workloadByAddress(na("10.0.0.1"))).contains(a);
        assertThat(st.service("ns/" + HOST)).contains(s);
        assertThat(st.serviceByVip(na("10.96.0.1"), Optional.empty())).contains(s);
        assertThat(st.serviceByHostname(HOST, Optional.of("other"))).contains(s);
        assertThat(st.findAddress(na("10.0.0.1"), Optional.empty())).containsInstanceOf(Workload.class);
        assertThat(st.findAddress(na("10.96.0.1"), Optional.empty())).containsInstanceOf(Service.class);
        assertThat(st.findAddress(new NetworkAddress("other-net", InetAddress.getByName("10.0.0.1")), Optional.empty()))
                .isEmpty();
        assertThat(st.endpoints("ns/" + HOST)).singleElement().satisfies(ep -> {
            assertThat(ep.workloadUid()).isEqualTo(a.uid());
            assertThat(ep.ports()).containsEntry(80, 8080);
        });
    }

    @Test
    void snapshotsAreImmutableAndVersioned() throws Exception {
        StateUpdater u = new StateUpdater();
        Workload a = wl(pod("ns", "a", "10.0.0.1"));
        ProxyState first = u.apply(StateDelta.ofAddresses(List.of(a), List.of()));
        ProxyState second = u.apply(StateDelta.ofAddresses(List.of(), List.of(a.uid())));
        assertThat(first.workload(a.uid())).isPresent();
        assertThat(first.workloadByAddress(na("10.0.0.1"))).isPresent();
        assertThat(second.workload(a.uid())).isEmpty();
        assertThat(second.workloadByAddress(na("10.0.0.1"))).isEmpty();
        assertThat(second.version()).isEqualTo(first.version() + 1);
        assertThat(u.current()).isSameAs(second);
    }

    @Test
    void updateMovesIpAndServiceMembership() throws Exception {
        StateUpdater u = new StateUpdater();
        u.apply(StateDelta.ofAddresses(
                List.of(wl(member(pod("ns", "a", "10.0.0.1"), "ns", HOST, 80, 8080))), List.of()));
        ProxyState st = u.apply(StateDelta.ofAddresses(List.of(wl(pod("ns", "a", "10.0.0.2"))), List.of()));
        assertThat(st.workloadByAddress(na("10.0.0.1"))).isEmpty();
        assertThat(st.workloadByAddress(na("10.0.0.2"))).isPresent();
        assertThat(st.endpoints("ns/" + HOST)).isEmpty();
    }

    @Test
    void removalByNameHitsServiceWhenNoWorkload() throws Exception {
        StateUpdater u = new StateUpdater();
        Service s = svc(service("ns", "svc", "10.96.0.1", 80, 8080));
        u.apply(StateDelta.ofAddresses(List.of(s), List.of()));
        ProxyState st = u.apply(StateDelta.ofAddresses(List.of(), List.of("ns/" + HOST)));
        assertThat(st.service("ns/" + HOST)).isEmpty();
        assertThat(st.serviceByVip(na("10.96.0.1"), Optional.empty())).isEmpty();
    }

    @Test
    void endpointsArriveBeforeTheirService() {
        StateUpdater u = new StateUpdater();
        Workload a = wl(member(pod("ns", "a", "10.0.0.1"), "ns", HOST, 80, 8080));
        u.apply(StateDelta.ofAddresses(List.of(a), List.of()));
        ProxyState st =
                u.apply(StateDelta.ofAddresses(List.of(svc(service("ns", "svc", "10.96.0.1", 80, 8080))), List.of()));
        assertThat(st.endpoints("ns/" + HOST)).hasSize(1);
    }

    @Test
    void sharedVipPrefersClientNamespaceThenCanonical() throws Exception {
        StateUpdater u = new StateUpdater();
        Service inA = svc(service("a", "ext", "240.240.0.1", 80, 80).setHostname("ext.example.com"));
        Service inB = svc(service("b", "ext", "240.240.0.1", 80, 80)
                .setHostname("ext.example.com")
                .setCanonical(true));
        Service hidden = svc(service("c", "ext", "240.240.0.1", 80, 80)
                .setHostname("ext.example.com")
                .setVisibility(io.ambient4j.api.workload.Service.Visibility.NAMESPACE));
        ProxyState st = u.apply(StateDelta.ofAddresses(List.of(inA, inB, hidden), List.of()));
        assertThat(st.serviceByVip(na("240.240.0.1"), Optional.of("a"))).contains(inA);
        assertThat(st.serviceByVip(na("240.240.0.1"), Optional.of("z"))).contains(inB);
        assertThat(st.serviceByVip(na("240.240.0.1"), Optional.of("c"))).contains(hidden);
        assertThat(st.serviceByHostname("ext.example.com", Optional.of("z"))).contains(inB);
    }

    @Test
    void hostNetworkWorkloadIsNotIndexedByIp() throws Exception {
        StateUpdater u = new StateUpdater();
        ProxyState st = u.apply(StateDelta.ofAddresses(
                List.of(wl(pod("ns", "h", "192.168.1.10")
                        .setNetworkMode(io.ambient4j.api.workload.NetworkMode.HOST_NETWORK))),
                List.of()));
        assertThat(st.workloadByAddress(na("192.168.1.10"))).isEmpty();
        assertThat(st.workload("Kubernetes//Pod/ns/h")).isPresent();
    }

    @Test
    void applicablePoliciesAreNamespaceGlobalAndSelected() {
        StateUpdater u = new StateUpdater();
        Workload a = wl(
                pod("ns", "a", "10.0.0.1").addAuthorizationPolicies("ns/sel").addAuthorizationPolicies("ns/unknown"));
        ProxyState st = u.apply(new StateDelta(
                List.of(a),
                List.of(),
                List.of(
                        pol("ns", "nsp", Scope.NAMESPACE),
                        pol("other", "otherns", Scope.NAMESPACE),
                        pol("istio-system", "global", Scope.GLOBAL),
                        pol("ns", "sel", Scope.WORKLOAD_SELECTOR),
                        pol("ns", "notselected", Scope.WORKLOAD_SELECTOR)),
                List.of()));
        assertThat(st.applicablePolicies(a))
                .extracting(Authorization::key)
                .containsExactlyInAnyOrder("ns/nsp", "istio-system/global", "ns/sel");
        ProxyState after = u.apply(StateDelta.ofPolicies(List.of(), List.of("ns/nsp", "istio-system/global")));
        assertThat(after.applicablePolicies(a)).extracting(Authorization::key).containsExactly("ns/sel");
        assertThat(after.policies())
                .extracting(Authorization::key)
                .containsExactly("ns/notselected", "ns/sel", "other/otherns");
    }

    @Test
    void listenersSeeEachPublishedSnapshot() {
        StateUpdater u = new StateUpdater();
        AtomicReference<ProxyState> seen = new AtomicReference<>();
        u.onUpdate(seen::set);
        ProxyState st = u.apply(StateDelta.ofPolicies(List.of(pol("ns", "p", Scope.NAMESPACE)), List.of()));
        assertThat(seen.get()).isSameAs(st);
    }
}
