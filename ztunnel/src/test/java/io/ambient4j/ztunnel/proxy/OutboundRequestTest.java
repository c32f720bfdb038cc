package io.ambient4j.ztunnel.proxy;

import static io.ambient4j.ztunnel.testing.Protos.member;
import static io.ambient4j.ztunnel.testing.Protos.pod;
import static io.ambient4j.ztunnel.testing.Protos.service;
import static io.ambient4j.ztunnel.testing.Protos.waypointByHost;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.ambient4j.api.workload.LoadBalancing;
import io.ambient4j.api.workload.TunnelProtocol;
import io.ambient4j.api.workload.WorkloadStatus;
import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.ztunnel.proxy.OutboundRoutingException.Reason;
import io.ambient4j.ztunnel.state.ProxyState;
import io.ambient4j.ztunnel.state.Workload;
import io.ambient4j.ztunnel.testing.MeshState;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** C062, C064, C065, C069: the outbound routing decision as a table over one mesh. */
class OutboundRequestTest {
    private static final String NS = "echo";
    private static final String WAYPOINT_HOST = "waypoint.echo.svc.cluster.local";
    private static final RandomSource FIRST = bound -> 0;

    static final Workload CLIENT = MeshState.convert(pod(NS, "client", "10.0.0.1"));

    static ProxyState mesh() {
        return new MeshState()
                .workload(pod(NS, "client", "10.0.0.1"))
                .workload(member(
                        pod(NS, "server-v1", "10.0.1.1").setServiceAccount("server"),
                        NS,
                        host("server"),
                        80,
                        18080,
                        9090,
                        19090))
                .workload(member(
                        pod(NS, "server-v2", "10.0.1.2").setServiceAccount("server"),
                        NS,
                        host("server"),
                        80,
                        18080,
                        9090,
                        19090))
                .service(service(NS, "server", "10.96.0.10", 80, 18080, 9090, 19090)
                        .addSubjectAltNames("spiffe://cluster.local/ns/echo/sa/extra"))
                .workload(member(
                        pod(NS, "uncaptured", "10.0.2.1").setTunnelProtocol(TunnelProtocol.NONE),
                        NS,
                        host("uncaptured"),
                        80,
                        18080))
                .service(service(NS, "uncaptured", "10.96.0.20", 80, 18080))
                .workload(member(pod(NS, "waypoint", "10.0.3.1"), NS, WAYPOINT_HOST, 15008, 15008))
                .service(service(NS, "waypoint", "10.96.0.30", 15008, 15008))
                .workload(member(pod(NS, "svcwp", "10.0.4.1"), NS, host("svcwp"), 80, 18080))
                .service(service(NS, "svcwp", "10.96.0.40", 80, 18080).setWaypoint(waypointByHost(NS, WAYPOINT_HOST)))
                .workload(member(
                        pod(NS, "wlwp", "10.0.5.1").setWaypoint(waypointByHost(NS, WAYPOINT_HOST)),
                        NS,
                        host("wlwp"),
                        80,
                        18080))
                .service(service(NS, "wlwp", "10.96.0.50", 80, 18080))
                .service(service(NS, "ext", "240.240.0.1", 443, 443)
                        .setLoadBalancing(LoadBalancing.newBuilder().setMode(LoadBalancing.Mode.PASSTHROUGH)))
                .service(service(NS, "empty", "10.96.0.60", 80, 8080))
                .workload(member(pod(NS, "named", "10.0.6.1"), NS, host("named"), 80, 8081))
                .service(service(NS, "named", "10.96.0.70", 80, 0))
                .workload(member(
                        pod(NS, "sick", "10.0.7.1").setStatus(WorkloadStatus.UNHEALTHY), NS, host("sick"), 80, 8080))
                .service(service(NS, "sick", "10.96.0.80", 80, 8080))
                .workload(member(
                        pod(NS, "sick2", "10.0.7.2").setStatus(WorkloadStatus.UNHEALTHY), NS, host("sickok"), 80, 8080))
                .service(service(NS, "sickok", "10.96.0.81", 80, 8080)
                        .setLoadBalancing(
                                LoadBalancing.newBuilder().setHealthPolicy(LoadBalancing.HealthPolicy.ALLOW_ALL)))
                .workload(pod(NS, "v6", "fd00::1"))
                .build();
    }

    private static String host(String name) {
        return name + "." + NS + ".svc.cluster.local";
    }

    private static InetSocketAddress sa(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    private static SpiffeId id(String sa) {
        return new SpiffeId("cluster.local", NS, sa);
    }

    private record Expect(
            Protocol protocol,
            String target,
            String authority,
            List<SpiffeId> identities,
            String service,
            boolean waypoint) {}

    private static Arguments row(String name, String dst, Expect e) {
        return Arguments.of(name, dst, e);
    }

    static Stream<Arguments> routes() {
        return Stream.of(
                row(
                        "C069 unknown destination: TCP passthrough",
                        "1.2.3.4:80",
                        new Expect(Protocol.TCP, "1.2.3.4:80", null, List.of(), null, false)),
                row(
                        "C069 pod IP with HBONE: podIP:15008, authority podIP:port",
                        "10.0.1.1:18080",
                        new Expect(
                                Protocol.HBONE,
                                "10.0.1.1:15008",
                                "10.0.1.1:18080",
                                List.of(id("server")),
                                null,
                                false)),
                row(
                        "C069/C062 service VIP translated to the endpoint's target port",
                        "10.96.0.10:80",
                        new Expect(
                                Protocol.HBONE,
                                "10.0.1.1:15008",
                                "10.0.1.1:18080",
                                List.of(id("server"), id("extra")),
                                host("server"),
                                false)),
                row(
                        "C062 second service port",
                        "10.96.0.10:9090",
                        new Expect(
                                Protocol.HBONE,
                                "10.0.1.1:15008",
                                "10.0.1.1:19090",
                                List.of(id("server"), id("extra")),
                                host("server"),
                                false)),
                row(
                        "C064 tunnel NONE: plain TCP to the pod",
                        "10.96.0.20:80",
                        new Expect(Protocol.TCP, "10.0.2.1:18080", null, List.of(), host("uncaptured"), false)),
                row(
                        "C064 tunnel NONE by pod IP",
                        "10.0.2.1:18080",
                        new Expect(Protocol.TCP, "10.0.2.1:18080", null, List.of(), null, false)),
                row(
                        "C069 service waypoint: authority is the original VIP",
                        "10.96.0.40:80",
                        new Expect(
                                Protocol.HBONE,
                                "10.0.3.1:15008",
                                "10.96.0.40:80",
                                List.of(id("waypoint-sa")),
                                host("svcwp"),
                                true)),
                row(
                        "C069 workload waypoint: authority is the original pod IP",
                        "10.0.5.1:18080",
                        new Expect(
                                Protocol.HBONE,
                                "10.0.3.1:15008",
                                "10.0.5.1:18080",
                                List.of(id("waypoint-sa")),
                                null,
                                true)),
                row(
                        "C065 pod IP skips a service-only waypoint",
                        "10.0.4.1:18080",
                        new Expect(
                                Protocol.HBONE,
                                "10.0.4.1:15008",
                                "10.0.4.1:18080",
                                List.of(id("svcwp-sa")),
                                null,
                                false)),
                row(
                        "service-addressed traffic skips the workload waypoint",
                        "10.96.0.50:80",
                        new Expect(
                                Protocol.HBONE,
                                "10.0.5.1:15008",
                                "10.0.5.1:18080",
                                List.of(id("wlwp-sa")),
                                host("wlwp"),
                                false)),
                row(
                        "PASSTHROUGH service keeps the original destination",
                        "240.240.0.1:443",
                        new Expect(Protocol.TCP, "240.240.0.1:443", null, List.of(), null, false)),
                row(
                        "named target port resolved through Workload.services",
                        "10.96.0.70:80",
                        new Expect(
                                Protocol.HBONE,
                                "10.0.6.1:15008",
                                "10.0.6.1:8081",
                                List.of(id("named-sa")),
                                host("named"),
                                false)),
                row(
                        "ALLOW_ALL health policy uses an unhealthy endpoint",
                        "10.96.0.81:80",
                        new Expect(
                                Protocol.HBONE,
                                "10.0.7.2:15008",
                                "10.0.7.2:8080",
                                List.of(id("sick2-sa")),
                                host("sickok"),
                                false)),
                row(
                        "loopback on a non-ztunnel port is passthrough",
                        "127.0.0.1:8080",
                        new Expect(Protocol.TCP, "127.0.0.1:8080", null, List.of(), null, false)),
                row(
                        "IPv6 authority is bracketed",
                        "[fd00::1]:18080",
                        new Expect(
                                Protocol.HBONE,
                                "[fd00:0:0:0:0:0:0:1]:15008",
                                "[fd00::1]:18080",
                                List.of(id("v6-sa")),
                                null,
                                false)));
    }

    private static InetSocketAddress parse(String s) {
        int colon = s.lastIndexOf(':');
        String h = s.substring(0, colon).replace("[", "").replace("]", "");
        return sa(h, Integer.parseInt(s.substring(colon + 1)));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("routes")
    void C069_route(String name, String dst, Expect e) {
        OutboundRequest r =
                OutboundRequest.build(mesh(), "", CLIENT, CLIENT.addresses().getFirst(), parse(dst), FIRST);
        assertThat(r.protocol()).isEqualTo(e.protocol());
        assertThat(r.target()).isEqualTo(parse(e.target()));
        assertThat(r.hboneAuthority()).isEqualTo(Optional.ofNullable(e.authority()));
        assertThat(r.expectedIdentities()).containsExactlyElementsOf(e.identities());
        assertThat(r.intendedService().map(s -> s.hostname())).isEqualTo(Optional.ofNullable(e.service()));
        assertThat(r.viaWaypoint()).isEqualTo(e.waypoint());
    }

    static Stream<Arguments> failures() {
        return Stream.of(
                Arguments.of("loopback 15001", "127.0.0.1:15001", Reason.SELF_CALL),
                Arguments.of("loopback 15006", "127.0.0.1:15006", Reason.SELF_CALL),
                Arguments.of("loopback 15008", "127.0.0.1:15008", Reason.SELF_CALL),
                Arguments.of("IPv6 loopback 15008", "[::1]:15008", Reason.SELF_CALL),
                Arguments.of("service without endpoints", "10.96.0.60:80", Reason.NO_HEALTHY_UPSTREAM),
                Arguments.of("only unhealthy endpoints", "10.96.0.80:80", Reason.NO_HEALTHY_UPSTREAM),
                Arguments.of("undeclared service port", "10.96.0.10:12345", Reason.NO_HEALTHY_UPSTREAM));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("failures")
    void C069_refused(String name, String dst, Reason reason) {
        assertThatThrownBy(() -> OutboundRequest.build(
                        mesh(), "", CLIENT, CLIENT.addresses().getFirst(), parse(dst), FIRST))
                .isInstanceOfSatisfying(
                        OutboundRoutingException.class,
                        ex -> assertThat(ex.reason()).isEqualTo(reason));
    }

    @Test
    void C069_sourceWaypointIsIgnored() {
        Workload clientWithWaypoint =
                MeshState.convert(pod(NS, "client", "10.0.0.1").setWaypoint(waypointByHost(NS, WAYPOINT_HOST)));
        OutboundRequest r = OutboundRequest.build(
                mesh(),
                "",
                clientWithWaypoint,
                clientWithWaypoint.addresses().getFirst(),
                sa("10.0.1.1", 18080),
                FIRST);
        assertThat(r.viaWaypoint()).isFalse();
        assertThat(r.target()).isEqualTo(sa("10.0.1.1", 15008));
    }

    @Test
    void C069_trafficFromTheDestinationsWaypointGoesDirect() {
        ProxyState st = mesh();
        Workload waypoint = st.workload("Kubernetes//Pod/echo/waypoint").orElseThrow();
        OutboundRequest r = OutboundRequest.build(
                st, "", waypoint, InetAddress.ofLiteral("10.0.3.1"), sa("10.0.5.1", 18080), FIRST);
        assertThat(r.viaWaypoint()).isFalse();
        assertThat(r.target()).isEqualTo(sa("10.0.5.1", 15008));
        assertThat(r.hboneAuthority()).contains("10.0.5.1:18080");
        // Same identity from another IP is not the waypoint: it goes through the waypoint.
        OutboundRequest spoofed = OutboundRequest.build(
                st, "", waypoint, InetAddress.ofLiteral("10.9.9.9"), sa("10.0.5.1", 18080), FIRST);
        assertThat(spoofed.viaWaypoint()).isTrue();
    }

    @Test
    void C069_remoteNetworkEndpointGoesThroughTheNetworkGatewayAsDoubleHbone() {
        ProxyState st = new MeshState()
                .workload(pod(NS, "client", "10.0.0.1"))
                .workload(member(
                        pod(NS, "ewgw", "172.16.0.1").setServiceAccount("istio-eastwestgateway"),
                        NS,
                        host("ewgw"),
                        15008,
                        15008))
                .service(service(NS, "ewgw", "10.96.9.9", 15008, 15008))
                .workload(member(
                        pod(NS, "remote", "10.1.0.1")
                                .setNetwork("net-2")
                                .setNetworkGateway(waypointByHost(NS, host("ewgw"))),
                        NS,
                        host("global"),
                        80,
                        18080))
                .service(service(NS, "global", "10.96.0.99", 80, 18080)
                        .addSubjectAltNames("spiffe://cluster.local/ns/echo/sa/global"))
                .build();
        OutboundRequest r =
                OutboundRequest.build(st, "", CLIENT, CLIENT.addresses().getFirst(), sa("10.96.0.99", 80), FIRST);
        assertThat(r.protocol()).isEqualTo(Protocol.DOUBLE_HBONE);
        assertThat(r.target()).isEqualTo(sa("172.16.0.1", 15008));
        assertThat(r.hboneAuthority()).contains(host("global") + ":80");
        assertThat(r.expectedIdentities()).containsExactly(id("istio-eastwestgateway"));
        assertThat(r.finalIdentities()).containsExactly(id("global"));
        assertThat(r.intendedService().map(s -> s.name())).contains("global");
    }

    @Test
    void C069_remoteNetworkEndpointWithoutGatewayIsRefused() {
        ProxyState st = new MeshState()
                .workload(member(pod(NS, "remote", "10.1.0.1").setNetwork("net-2"), NS, host("global"), 80, 18080))
                .service(service(NS, "global", "10.96.0.99", 80, 18080))
                .build();
        assertThatThrownBy(() -> OutboundRequest.build(
                        st, "", CLIENT, CLIENT.addresses().getFirst(), sa("10.96.0.99", 80), FIRST))
                .isInstanceOfSatisfying(
                        OutboundRoutingException.class,
                        e -> assertThat(e.reason()).isEqualTo(Reason.NO_VALID_DESTINATION));
    }

    @Test
    void C062_endpointChoiceFollowsTheRandomSource() {
        OutboundRequest last = OutboundRequest.build(
                mesh(), "", CLIENT, CLIENT.addresses().getFirst(), sa("10.96.0.10", 80), b -> b - 1);
        assertThat(last.target()).isEqualTo(sa("10.0.1.2", 15008));
        assertThat(last.destinationWorkload().map(Workload::name)).contains("server-v2");
    }
}
