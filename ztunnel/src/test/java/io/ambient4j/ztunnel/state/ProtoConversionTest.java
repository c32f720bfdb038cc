package io.ambient4j.ztunnel.state;

import static io.ambient4j.ztunnel.testing.Protos.ip;
import static io.ambient4j.ztunnel.testing.Protos.pod;
import static io.ambient4j.ztunnel.testing.Protos.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import com.google.protobuf.UInt32Value;
import io.ambient4j.api.security.Action;
import io.ambient4j.api.security.Clause;
import io.ambient4j.api.security.Match;
import io.ambient4j.api.security.Rule;
import io.ambient4j.api.security.Scope;
import io.ambient4j.api.workload.GatewayAddress;
import io.ambient4j.api.workload.LoadBalancing;
import io.ambient4j.api.workload.NetworkAddress;
import io.ambient4j.api.workload.Port;
import io.ambient4j.api.workload.PortList;
import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.ztunnel.rbac.Authorization;
import io.ambient4j.ztunnel.rbac.IpNet;
import io.ambient4j.ztunnel.rbac.PolicyAction;
import io.ambient4j.ztunnel.rbac.PolicyScope;
import io.ambient4j.ztunnel.rbac.StringMatch;
import io.ambient4j.ztunnel.state.ResourceConversionException.Reason;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ProtoConversionTest {

    @Test
    void workloadDefaultsTrustDomainServiceAccountCapacity() {
        var proto = io.ambient4j.api.workload.Workload.newBuilder()
                .setUid("Kubernetes//Pod/ns/a")
                .setName("a")
                .setNamespace("ns")
                .addAddresses(ip("10.0.0.1"))
                .build();
        Workload w = ProtoConversion.workload("uid", proto);
        assertThat(w.trustDomain()).isEqualTo("cluster.local");
        assertThat(w.serviceAccount()).isEqualTo("default");
        assertThat(w.capacity()).isEqualTo(1);
        assertThat(w.identity()).isEqualTo(new SpiffeId("cluster.local", "ns", "default"));
        assertThat(w.identity().toString()).isEqualTo("spiffe://cluster.local/ns/ns/sa/default");
        assertThat(w.healthy()).isTrue();
        assertThat(w.tunnelProtocol()).isEqualTo(Workload.TunnelProtocol.NONE);
    }

    @Test
    void workloadFieldsCarryOver() {
        var proto = io.ambient4j.ztunnel.testing.Protos.member(
                        pod("ns", "a", "fd00::5"), "ns", "svc.ns.svc.cluster.local", 80, 8080)
                .setTrustDomain("td.example")
                .setCapacity(UInt32Value.of(7))
                .setWaypoint(io.ambient4j.ztunnel.testing.Protos.waypointByHost("ns", "wp.ns.svc.cluster.local"))
                .addAuthorizationPolicies("ns/p1")
                .setStatus(io.ambient4j.api.workload.WorkloadStatus.UNHEALTHY)
                .setNetworkMode(io.ambient4j.api.workload.NetworkMode.HOST_NETWORK)
                .build();
        Workload w = ProtoConversion.workload(proto.getUid(), proto);
        assertThat(w.identity().toString()).isEqualTo("spiffe://td.example/ns/ns/sa/a-sa");
        assertThat(w.capacity()).isEqualTo(7);
        assertThat(w.addresses().getFirst().getHostAddress()).isEqualTo("fd00:0:0:0:0:0:0:5");
        assertThat(w.services()).isEqualTo(Map.of("ns/svc.ns.svc.cluster.local", Map.of(80, 8080)));
        assertThat(w.waypoint().orElseThrow().destination())
                .isEqualTo(new NamespacedHostname("ns", "wp.ns.svc.cluster.local"));
        assertThat(w.authorizationPolicies()).containsExactly("ns/p1");
        assertThat(w.healthy()).isFalse();
        assertThat(w.hostNetwork()).isTrue();
    }

    @Test
    void serviceSplitsHostVipsFromCidrVips() {
        var proto = service("ns", "svc", "10.96.0.1", 80, 8080)
                .addAddresses(
                        NetworkAddress.newBuilder().setAddress(ip("10.97.0.1")).setLength(32))
                .addAddresses(
                        NetworkAddress.newBuilder().setAddress(ip("10.98.0.0")).setLength(16))
                .setLoadBalancing(LoadBalancing.newBuilder()
                        .setMode(LoadBalancing.Mode.FAILOVER)
                        .addRoutingPreference(LoadBalancing.Scope.NETWORK)
                        .addRoutingPreference(LoadBalancing.Scope.ZONE))
                .addSubjectAltNames("spiffe://cluster.local/ns/ns/sa/extra")
                .build();
        Service s = ProtoConversion.service("ns/svc.ns.svc.cluster.local", proto);
        assertThat(s.vips()).extracting(v -> v.address().getHostAddress()).containsExactly("10.96.0.1", "10.97.0.1");
        assertThat(s.cidrVips()).containsExactly("/10.98.0.0/16");
        assertThat(s.ports()).isEqualTo(Map.of(80, 8080));
        assertThat(s.resourceName()).isEqualTo("ns/svc.ns.svc.cluster.local");
        assertThat(s.loadBalancing().orElseThrow().routingPreference())
                .containsExactly(
                        io.ambient4j.ztunnel.state.LoadBalancing.Scope.NETWORK,
                        io.ambient4j.ztunnel.state.LoadBalancing.Scope.ZONE);
        assertThat(s.subjectAltNames()).containsExactly("spiffe://cluster.local/ns/ns/sa/extra");
    }

    @Test
    void authorizationKeepsNestingAndStringKinds() {
        var proto = io.ambient4j.api.security.Authorization.newBuilder()
                .setName("p")
                .setNamespace("ns")
                .setScope(Scope.NAMESPACE)
                .setAction(Action.DENY)
                .setDryRun(true)
                .addRules(Rule.newBuilder()
                        .addClauses(Clause.newBuilder()
                                .addMatches(Match.newBuilder()
                                        .addPrincipals(io.ambient4j.api.security.StringMatch.newBuilder()
                                                .setPrefix("cluster.local/ns/a"))
                                        .addNotPrincipals(io.ambient4j.api.security.StringMatch.newBuilder()
                                                .setPresence(com.google.protobuf.Empty.getDefaultInstance()))
                                        .addSourceIps(io.ambient4j.api.security.Address.newBuilder()
                                                .setAddress(ip("10.1.2.3"))
                                                .setLength(24))
                                        .addDestinationPorts(8080)))
                        .addClauses(Clause.getDefaultInstance()))
                .build();
        Authorization a = ProtoConversion.authorization("ns/p", proto);
        assertThat(a.key()).isEqualTo("ns/p");
        assertThat(a.scope()).isEqualTo(PolicyScope.NAMESPACE);
        assertThat(a.action()).isEqualTo(PolicyAction.DENY);
        assertThat(a.dryRun()).isTrue();
        assertThat(a.rules()).hasSize(1);
        assertThat(a.rules().getFirst()).hasSize(2);
        var m = a.rules().getFirst().getFirst().getFirst();
        assertThat(m.principals()).containsExactly(new StringMatch.Prefix("cluster.local/ns/a"));
        assertThat(m.notPrincipals()).containsExactly(new StringMatch.Presence());
        assertThat(m.sourceIps()).containsExactly(IpNet.of(new byte[] {10, 1, 2, 0}, 24));
        assertThat(m.destinationPorts()).containsExactly(8080);
        assertThat(a.rules().getFirst().get(1)).isEmpty();
    }

    static Stream<Arguments> malformed() {
        return Stream.of(
                bad(
                        "no uid",
                        Reason.MISSING_FIELD,
                        () -> ProtoConversion.workload(
                                "x",
                                io.ambient4j.api.workload.Workload.newBuilder()
                                        .setName("a")
                                        .build())),
                bad(
                        "3-byte IP",
                        Reason.INVALID_ADDRESS,
                        () -> ProtoConversion.workload(
                                "x",
                                pod("ns", "a", "10.0.0.1")
                                        .addAddresses(ByteString.copyFrom(new byte[] {1, 2, 3}))
                                        .build())),
                bad(
                        "services key without slash",
                        Reason.INVALID_KEY,
                        () -> ProtoConversion.workload(
                                "x",
                                pod("ns", "a", "10.0.0.1")
                                        .putServices("nohost", PortList.getDefaultInstance())
                                        .build())),
                bad(
                        "port above 65535",
                        Reason.INVALID_PORT,
                        () -> ProtoConversion.workload(
                                "x",
                                pod("ns", "a", "10.0.0.1")
                                        .putServices(
                                                "ns/h",
                                                PortList.newBuilder()
                                                        .addPorts(Port.newBuilder()
                                                                .setServicePort(70000)
                                                                .setTargetPort(1))
                                                        .build())
                                        .build())),
                bad(
                        "unknown tunnel protocol",
                        Reason.UNKNOWN_ENUM,
                        () -> ProtoConversion.workload(
                                "x",
                                pod("ns", "a", "10.0.0.1")
                                        .setTunnelProtocolValue(9)
                                        .build())),
                bad(
                        "waypoint without destination",
                        Reason.MISSING_FIELD,
                        () -> ProtoConversion.workload(
                                "x",
                                pod("ns", "a", "10.0.0.1")
                                        .setWaypoint(GatewayAddress.newBuilder().setHboneMtlsPort(15008))
                                        .build())),
                bad(
                        "service without hostname",
                        Reason.MISSING_FIELD,
                        () -> ProtoConversion.service(
                                "x",
                                io.ambient4j.api.workload.Service.newBuilder()
                                        .setName("s")
                                        .build())),
                bad(
                        "service VIP prefix too long",
                        Reason.INVALID_ADDRESS,
                        () -> ProtoConversion.service(
                                "x",
                                service("ns", "s", "10.0.0.1")
                                        .addAddresses(NetworkAddress.newBuilder()
                                                .setAddress(ip("10.0.0.2"))
                                                .setLength(33))
                                        .build())),
                bad(
                        "service port 0",
                        Reason.INVALID_PORT,
                        () -> ProtoConversion.service(
                                "x", service("ns", "s", "10.0.0.1", 0, 80).build())),
                bad(
                        "address without type",
                        Reason.MISSING_FIELD,
                        () -> ProtoConversion.address("x", io.ambient4j.api.workload.Address.getDefaultInstance())),
                bad(
                        "policy CIDR too long",
                        Reason.INVALID_ADDRESS,
                        () -> ProtoConversion.authorization(
                                "x",
                                io.ambient4j.api.security.Authorization.newBuilder()
                                        .addRules(Rule.newBuilder()
                                                .addClauses(Clause.newBuilder()
                                                        .addMatches(Match.newBuilder()
                                                                .addSourceIps(
                                                                        io.ambient4j.api.security.Address.newBuilder()
                                                                                .setAddress(ip("10.0.0.0"))
                                                                                .setLength(40)))))
                                        .build())),
                bad(
                        "namespace that cannot form a SPIFFE ID",
                        Reason.INVALID_IDENTITY,
                        () -> ProtoConversion.workload(
                                "x", pod("ns/evil", "a", "10.0.0.1").build())),
                bad(
                        "policy unknown action",
                        Reason.UNKNOWN_ENUM,
                        () -> ProtoConversion.authorization(
                                "x",
                                io.ambient4j.api.security.Authorization.newBuilder()
                                        .setActionValue(5)
                                        .build())));
    }

    private static Arguments bad(String what, Reason reason, Supplier<Object> convert) {
        return Arguments.of(what, reason, convert);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("malformed")
    void malformedResourceIsRejectedByName(String what, Reason reason, Supplier<Object> convert) {
        assertThatThrownBy(convert::get).isInstanceOfSatisfying(ResourceConversionException.class, e -> {
            assertThat(e.resourceName()).isEqualTo("x");
            assertThat(e.reason()).isEqualTo(reason);
        });
    }

    @Test
    void unsetStringMatchIsDropped() {
        var proto = io.ambient4j.api.security.Authorization.newBuilder()
                .addRules(Rule.newBuilder()
                        .addClauses(Clause.newBuilder()
                                .addMatches(Match.newBuilder()
                                        .addPrincipals(io.ambient4j.api.security.StringMatch.getDefaultInstance()))))
                .build();
        assertThat(ProtoConversion.authorization("x", proto)
                        .rules()
                        .getFirst()
                        .getFirst()
                        .getFirst()
                        .isEmpty())
                .isTrue();
    }
}
