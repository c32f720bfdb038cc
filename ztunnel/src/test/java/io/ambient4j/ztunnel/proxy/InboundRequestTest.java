package io.ambient4j.ztunnel.proxy;

import static io.ambient4j.ztunnel.testing.Protos.member;
import static io.ambient4j.ztunnel.testing.Protos.pod;
import static io.ambient4j.ztunnel.testing.Protos.service;
import static io.ambient4j.ztunnel.testing.Protos.waypointByHost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ambient4j.api.security.Action;
import io.ambient4j.api.security.Clause;
import io.ambient4j.api.security.Match;
import io.ambient4j.api.security.Rule;
import io.ambient4j.api.security.Scope;
import io.ambient4j.api.workload.ApplicationTunnel;
import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.ztunnel.proxy.InboundRejection.Reason;
import io.ambient4j.ztunnel.rbac.Decision;
import io.ambient4j.ztunnel.state.ProtoConversion;
import io.ambient4j.ztunnel.state.ProxyState;
import io.ambient4j.ztunnel.state.StateDelta;
import io.ambient4j.ztunnel.state.StateUpdater;
import io.ambient4j.ztunnel.state.Workload;
import io.ambient4j.ztunnel.testing.MeshState;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Inbound phases (§2.2–2.3): 400 for the request itself, 503 for resolution, 401 for policy, 503 CONNECT. */
class InboundRequestTest {
    private static final String NS = "echo";
    private static final String WP = "waypoint.echo.svc.cluster.local";
    private static final SpiffeId CLIENT = new SpiffeId("cluster.local", NS, "client");
    private static final InetSocketAddress PEER = sa("10.0.0.1", 40000);

    private static InetSocketAddress sa(String ip, int port) {
        return new InetSocketAddress(InetAddress.ofLiteral(ip), port);
    }

    private static ProxyState mesh() {
        return new MeshState()
                .workload(member(pod(NS, "server", "10.0.1.1"), NS, "server.echo.svc.cluster.local", 80, 18080, 81, 0)
                        .putServices(
                                NS + "/named.echo.svc.cluster.local",
                                io.ambient4j.api.workload.PortList.newBuilder()
                                        .addPorts(io.ambient4j.api.workload.Port.newBuilder()
                                                .setServicePort(81)
                                                .setTargetPort(18081))
                                        .build()))
                .service(service(NS, "server", "10.96.0.10", 80, 18080, 81, 0))
                .service(service(NS, "named", "10.96.0.11", 81, 0))
                .workload(member(pod(NS, "waypoint", "10.0.3.1"), NS, WP, 15008, 15008))
                .service(service(NS, "waypoint", "10.96.0.30", 15008, 15008))
                .workload(member(pod(NS, "svcwp", "10.0.4.1"), NS, "svcwp.echo.svc.cluster.local", 80, 18080))
                .service(service(NS, "svcwp", "10.96.0.40", 80, 18080).setWaypoint(waypointByHost(NS, WP)))
                .workload(pod(NS, "wlwp", "10.0.5.1").setWaypoint(waypointByHost(NS, WP)))
                .workload(pod(NS, "tunnel", "10.0.8.1")
                        .setApplicationTunnel(ApplicationTunnel.newBuilder()
                                .setProtocol(ApplicationTunnel.Protocol.PROXY)
                                .setPort(15088)))
                .build();
    }

    private static Workload local(ProxyState st, String name) {
        return st.workload("Kubernetes//Pod/echo/" + name).orElseThrow();
    }

    private static InboundRequest build(ProxyState st, String local, String method, String authority, String tcpDstIp) {
        return InboundRequest.build(
                st,
                "",
                InboundRequest.Connect.of(method, authority),
                Optional.of(local(st, local)),
                PEER,
                sa(tcpDstIp, 15008),
                Optional.of(CLIENT));
    }

    static Stream<Arguments> rejected() {
        return Stream.of(
                Arguments.of(
                        "GET is not CONNECT",
                        "server",
                        "GET",
                        "10.0.1.1:18080",
                        "10.0.1.1",
                        Reason.NON_CONNECT_METHOD,
                        400),
                Arguments.of(
                        "authority without port",
                        "server",
                        "CONNECT",
                        "10.0.1.1",
                        "10.0.1.1",
                        Reason.BAD_AUTHORITY,
                        400),
                Arguments.of(
                        "authority port out of range",
                        "server",
                        "CONNECT",
                        "10.0.1.1:99999",
                        "10.0.1.1",
                        Reason.BAD_AUTHORITY,
                        400),
                Arguments.of(
                        "IPv6 without brackets",
                        "server",
                        "CONNECT",
                        "fd00::1:80",
                        "10.0.1.1",
                        Reason.BAD_AUTHORITY,
                        400),
                Arguments.of("empty authority", "server", "CONNECT", "", "10.0.1.1", Reason.BAD_AUTHORITY, 400),
                Arguments.of(
                        "target IP differs from the TCP destination",
                        "server",
                        "CONNECT",
                        "10.0.1.2:18080",
                        "10.0.1.1",
                        Reason.IP_MISMATCH,
                        400),
                Arguments.of(
                        "C066 loopback target is not delivered",
                        "server",
                        "CONNECT",
                        "127.0.0.1:18084",
                        "10.0.1.1",
                        Reason.IP_MISMATCH,
                        400),
                Arguments.of(
                        "C073 a VIP the waypoint does not serve",
                        "waypoint",
                        "CONNECT",
                        "10.96.0.10:80",
                        "10.0.3.1",
                        Reason.IP_MISMATCH,
                        400),
                Arguments.of(
                        "C073 a pod the waypoint does not serve",
                        "waypoint",
                        "CONNECT",
                        "10.0.1.1:18080",
                        "10.0.3.1",
                        Reason.IP_MISMATCH,
                        400),
                Arguments.of(
                        "unknown service hostname",
                        "server",
                        "CONNECT",
                        "nope.echo.svc.cluster.local:80",
                        "10.0.1.1",
                        Reason.NO_HOSTNAME,
                        503),
                Arguments.of(
                        "service port without a target",
                        "server",
                        "CONNECT",
                        "server.echo.svc.cluster.local:9999",
                        "10.0.1.1",
                        Reason.NO_PORT_FOR_SERVICE,
                        503),
                Arguments.of(
                        "target port is ztunnel's own",
                        "server",
                        "CONNECT",
                        "10.0.1.1:15008",
                        "10.0.1.1",
                        Reason.SELF_CALL,
                        503));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void rejectsWithStatus(
            String name, String local, String method, String authority, String tcpDst, Reason reason, int status) {
        ProxyState st = mesh();
        assertThatThrownBy(() -> build(st, local, method, authority, tcpDst))
                .isInstanceOfSatisfying(InboundRejection.class, e -> {
                    assertThat(e.reason()).isEqualTo(reason);
                    assertThat(e.status()).isEqualTo(status);
                });
    }

    @Test
    void unknownLocalWorkloadIs503() {
        assertThatThrownBy(() -> InboundRequest.build(
                        mesh(),
                        "",
                        InboundRequest.Connect.of("CONNECT", "10.0.9.9:80"),
                        Optional.empty(),
                        PEER,
                        sa("10.0.9.9", 15008),
                        Optional.of(CLIENT)))
                .isInstanceOfSatisfying(
                        InboundRejection.class, e -> assertThat(e.status()).isEqualTo(503));
    }

    @Test
    void directRequestGoesToThePodIpAndAuthorityPort() {
        InboundRequest r = build(mesh(), "server", "CONNECT", "10.0.1.1:18080", "10.0.1.1");
        assertThat(r.upstream()).isEqualTo(sa("10.0.1.1", 18080));
        assertThat(r.rbac().destination()).isEqualTo(sa("10.0.1.1", 18080));
        assertThat(r.rbac().source()).isEqualTo(PEER);
        assertThat(r.rbac().sourceIdentity()).contains(CLIENT);
        assertThat(r.tunnelTarget()).isEmpty();
        assertThat(r.destinationService().map(s -> s.hostname())).contains("server.echo.svc.cluster.local");
    }

    @Test
    void C126_forwardedHostPicksTheServiceForMetrics() {
        ProxyState st = mesh();
        InboundRequest r = InboundRequest.build(
                st,
                "",
                new InboundRequest.Connect(
                        "CONNECT", "10.0.1.1:18081", Optional.of("named.echo.svc.cluster.local"), Optional.empty()),
                Optional.of(local(st, "server")),
                PEER,
                sa("10.0.1.1", 15008),
                Optional.of(CLIENT));
        assertThat(r.destinationService().map(s -> s.name())).contains("named");
        InboundRequest guessed = build(st, "server", "CONNECT", "10.0.1.1:18081", "10.0.1.1");
        assertThat(guessed.destinationService().map(s -> s.name())).contains("named");
    }

    @Test
    void C126_sourceWorkloadComesFromThePeerIpUnlessForwardedFromAnotherNetwork() {
        ProxyState st = new MeshState()
                .workload(pod(NS, "client", "10.0.0.1"))
                .workload(pod(NS, "server", "10.0.1.1"))
                .build();
        Workload server = local(st, "server");
        InboundRequest direct = InboundRequest.build(
                st,
                "",
                InboundRequest.Connect.of("CONNECT", "10.0.1.1:80"),
                Optional.of(server),
                PEER,
                sa("10.0.1.1", 15008),
                Optional.of(CLIENT));
        assertThat(direct.sourceWorkload().map(Workload::name)).contains("client");
        InboundRequest viaGateway = InboundRequest.build(
                st,
                "",
                new InboundRequest.Connect("CONNECT", "10.0.1.1:80", Optional.empty(), Optional.of("net-2")),
                Optional.of(server),
                PEER,
                sa("10.0.1.1", 15008),
                Optional.of(CLIENT));
        assertThat(viaGateway.sourceWorkload()).isEmpty();
        assertThat(viaGateway.rbac().sourceIdentity()).contains(CLIENT);
    }

    @Test
    void hostnameAuthorityUsesTheEndpointPortMapping() {
        InboundRequest r = build(mesh(), "server", "CONNECT", "named.echo.svc.cluster.local:81", "10.0.1.1");
        assertThat(r.hboneTarget()).isEqualTo(new HboneAddress.SvcHostname("named.echo.svc.cluster.local", 81));
        assertThat(r.upstream()).isEqualTo(sa("10.0.1.1", 18081));
    }

    @Test
    void C073_serviceVipThroughItsServiceWaypoint() {
        InboundRequest r = build(mesh(), "waypoint", "CONNECT", "10.96.0.40:80", "10.0.3.1");
        assertThat(r.upstream()).isEqualTo(sa("10.0.3.1", 80));
    }

    @Test
    void C073_podIpThroughItsWorkloadWaypoint() {
        InboundRequest r = build(mesh(), "waypoint", "CONNECT", "10.0.5.1:18080", "10.0.3.1");
        assertThat(r.upstream()).isEqualTo(sa("10.0.3.1", 18080));
    }

    @Test
    void applicationTunnelRedirectsThePortAndKeepsTheTarget() {
        InboundRequest r = build(mesh(), "tunnel", "CONNECT", "10.96.0.10:80", "10.0.8.1");
        assertThat(r.upstream()).isEqualTo(sa("10.0.8.1", 15088));
        assertThat(r.tunnelTarget()).contains(sa("10.96.0.10", 80));
    }

    @Test
    void C081_deniedIs401NamingThePolicy() {
        ProxyState base = mesh();
        var deny = io.ambient4j.api.security.Authorization.newBuilder()
                .setNamespace(NS)
                .setName("deny-client")
                .setScope(Scope.NAMESPACE)
                .setAction(Action.DENY)
                .addRules(Rule.newBuilder()
                        .addClauses(Clause.newBuilder()
                                .addMatches(Match.newBuilder()
                                        .addPrincipals(io.ambient4j.api.security.StringMatch.newBuilder()
                                                .setExact("cluster.local/ns/echo/sa/client")))))
                .build();
        StateUpdater u = new StateUpdater();
        u.apply(StateDelta.ofAddresses(List.copyOf(base.workloads()), List.of()));
        ProxyState st = u.apply(
                StateDelta.ofPolicies(List.of(ProtoConversion.authorization("echo/deny-client", deny)), List.of()));
        InboundRequest r = build(st, "server", "CONNECT", "10.0.1.1:18080", "10.0.1.1");
        assertThatThrownBy(() -> r.authorize(st)).isInstanceOfSatisfying(InboundRejection.class, e -> {
            assertThat(e.status()).isEqualTo(401);
            assertThat(e.reason().responseFlag()).isEqualTo("DENY");
            assertThat(e.getMessage()).contains("echo/deny-client");
        });
        assertThat(r.authorize(base).outcome()).isEqualTo(Decision.Outcome.ALLOWED_NO_ALLOW_POLICIES);
    }

    @Test
    void connectFailureIs503WithConnectFlag() {
        InboundRequest r = build(mesh(), "server", "CONNECT", "10.0.1.1:18080", "10.0.1.1");
        InboundRejection e = r.connectFailed(new IOException("Connection refused"));
        assertThat(e.status()).isEqualTo(503);
        assertThat(e.reason().responseFlag()).isEqualTo("CONNECT");
        assertThat(e.getCause()).hasMessage("Connection refused");
    }

    @Test
    void authorityForms() {
        assertThat(HboneAddress.parse("[fd00::1]:80")).isEqualTo(new HboneAddress.Socket(sa("fd00::1", 80)));
        assertThat(HboneAddress.parse("1.2.3.4:0")).isEqualTo(new HboneAddress.Socket(sa("1.2.3.4", 0)));
        assertThat(HboneAddress.parse("svc.ns.svc.cluster.local:80"))
                .isEqualTo(new HboneAddress.SvcHostname("svc.ns.svc.cluster.local", 80));
        assertThatThrownBy(() -> HboneAddress.parse("300.1.1.1:80")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> HboneAddress.parse("bad_host:80")).isInstanceOf(IllegalArgumentException.class);
    }
}
