package io.ambient4j.istiod.ambient;

import static io.ambient4j.istiod.ambient.Fixtures.NS;
import static io.ambient4j.istiod.ambient.Fixtures.labels;
import static io.ambient4j.istiod.ambient.Fixtures.namespace;
import static io.ambient4j.istiod.ambient.Fixtures.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.ByteString;
import io.ambient4j.api.workload.AppProtocol;
import io.ambient4j.api.workload.IPFamilies;
import io.ambient4j.api.workload.LoadBalancing;
import io.ambient4j.api.workload.NetworkAddress;
import io.ambient4j.api.workload.Port;
import io.ambient4j.api.workload.Service;
import io.ambient4j.istiod.kube.crd.ServiceEntry;
import io.ambient4j.istiod.kube.crd.ServiceEntrySpec;
import io.ambient4j.istiod.xds.TypeUrls;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Service and ServiceEntry → Service: catalogue §6 (C042, C043, C048, C051). */
class ServiceTranslationTest {
    private static final MeshSettings MESH = MeshSettings.defaults();

    private static Optional<Service> translate(io.fabric8.kubernetes.api.model.Service s) {
        return ServiceTranslator.fromService(s, null, Map.of(), MESH).map(ServiceInfo::service);
    }

    @Test
    void C042_plainService() {
        Service s = translate(service("ns", "name", "1.2.3.4", Map.of(), "http", 80, 8080))
                .orElseThrow();
        assertThat(s.getName()).isEqualTo("name");
        assertThat(s.getNamespace()).isEqualTo("ns");
        assertThat(s.getHostname()).isEqualTo("name.ns.svc.cluster.local");
        assertThat(s.getAddressesList())
                .containsExactly(NetworkAddress.newBuilder()
                        .setNetwork("")
                        .setAddress(ByteString.copyFrom(new byte[] {1, 2, 3, 4}))
                        .build());
        assertThat(s.getPortsList())
                .containsExactly(Port.newBuilder()
                        .setServicePort(80)
                        .setTargetPort(8080)
                        .setAppProtocol(AppProtocol.HTTP11)
                        .build());
        assertThat(s.getCanonical()).isTrue();
        assertThat(s.hasWaypoint()).isFalse();
        assertThat(s.hasLoadBalancing()).isFalse();
    }

    @Test
    void C043_externalNameIsNotTranslated() {
        var s = new ServiceBuilder(service("ns", "ext", null, Map.of()))
                .editSpec()
                .withType("ExternalName")
                .withExternalName("example.com")
                .endSpec()
                .build();
        assertThat(translate(s)).isEmpty();
    }

    @Test
    void C043_anUnsetTargetPortIsThePortAsKubernetesDefaultsIt() {
        // A waypoint Service (15008, 15021) is rendered without targetPorts; ztunnel needs a resolved target.
        var svc = new ServiceBuilder(service("ns", "waypoint", "10.96.0.11", Map.of()))
                .editSpec()
                .addNewPort()
                .withName("mesh")
                .withPort(15008)
                .endPort()
                .endSpec()
                .build();
        assertThat(translate(svc).orElseThrow().getPorts(0).getTargetPort()).isEqualTo(15008);
    }

    @Test
    void C043_targetPortsNumericCopiedNamedZero() {
        Service s = translate(service("ns", "s", "1.2.3.4", Map.of(), "a", 80, 8080, "b", 81, "named"))
                .orElseThrow();
        assertThat(s.getPortsList()).extracting(Port::getTargetPort).containsExactly(8080, 0);
    }

    @Test
    void C043_headlessKeepsPortsButNoAddresses() {
        Service s = translate(service("ns", "s", "None", Map.of(), "tcp", 9000, 9000))
                .orElseThrow();
        assertThat(s.getAddressesList()).isEmpty();
        assertThat(s.getPortsList()).hasSize(1);
    }

    @Test
    void C043_emptyVipsExcluded() {
        Service s =
                translate(service("ns", "s", "", Map.of(), "tcp", 9000, 9000)).orElseThrow();
        assertThat(s.getAddressesList()).isEmpty();
        var lb = new ServiceBuilder(service("ns", "lb", "", Map.of(), "tcp", 9000, 9000))
                .editSpec()
                .withType("LoadBalancer")
                .withClusterIPs("")
                .endSpec()
                .build();
        assertThat(translate(lb).orElseThrow().getAddressesList()).isEmpty();
    }

    @Test
    void C043_badClusterIpIsAClearErrorForThatServiceOnly() {
        AmbientIndex idx = Fixtures.index();
        Fixtures.upsert(
                idx,
                service(NS, "bad", "not-an-ip", Map.of(), "tcp", 1, 1),
                service(NS, "good", "10.0.0.9", Map.of(), "tcp", 1, 1));
        assertThat(Fixtures.svc(idx, NS + "/good.ns1.svc.cluster.local")).isNotNull();
        assertThat(Fixtures.svc(idx, NS + "/bad.ns1.svc.cluster.local")).isNull();
        assertThat(idx.errors()).containsKey("Service/ns1/bad");
        assertThat(idx.errors().get("Service/ns1/bad"))
                .contains("INVALID_ADDRESS")
                .contains("not-an-ip");
        assertThatThrownBy(() ->
                        ServiceTranslator.fromService(service(NS, "bad", "not-an-ip", Map.of()), null, Map.of(), MESH))
                .isInstanceOfSatisfying(
                        TranslationException.class,
                        e -> assertThat(e.reason()).isEqualTo(TranslationException.Reason.INVALID_ADDRESS));
    }

    static Stream<Arguments> loadBalancingCases() {
        LoadBalancing zone = LoadBalancing.newBuilder()
                .addRoutingPreference(LoadBalancing.Scope.NETWORK)
                .addRoutingPreference(LoadBalancing.Scope.REGION)
                .addRoutingPreference(LoadBalancing.Scope.ZONE)
                .setMode(LoadBalancing.Mode.FAILOVER)
                .build();
        LoadBalancing node = zone.toBuilder()
                .addRoutingPreference(LoadBalancing.Scope.SUBZONE)
                .addRoutingPreference(LoadBalancing.Scope.NODE)
                .build();
        LoadBalancing local = LoadBalancing.newBuilder()
                .addRoutingPreference(LoadBalancing.Scope.NODE)
                .setMode(LoadBalancing.Mode.STRICT)
                .build();
        return Stream.of(
                Arguments.of("PreferClose", null, null, zone),
                Arguments.of("PreferSameZone", null, null, zone),
                Arguments.of("PreferSameNode", null, null, node),
                Arguments.of(null, "PreferClose", null, zone),
                Arguments.of(null, null, "Local", local),
                Arguments.of("PreferClose", null, "Local", local),
                Arguments.of(null, null, null, null));
    }

    @ParameterizedTest
    @MethodSource("loadBalancingCases")
    void C042_loadBalancingFromTrafficDistribution(String spec, String annotation, String itp, LoadBalancing expected) {
        var b = new ServiceBuilder(service("ns", "s", "1.2.3.4", Map.of(), "tcp", 1, 1))
                .editSpec()
                .withTrafficDistribution(spec)
                .withInternalTrafficPolicy(itp)
                .endSpec();
        if (annotation != null) {
            b.editMetadata()
                    .addToAnnotations("networking.istio.io/traffic-distribution", annotation)
                    .endMetadata();
        }
        Service s = translate(b.build()).orElseThrow();
        if (expected == null) {
            assertThat(s.hasLoadBalancing()).isFalse();
        } else {
            assertThat(s.getLoadBalancing()).isEqualTo(expected);
        }
    }

    @Test
    void C042_ipFamiliesAndPortProtocols() {
        var s = new ServiceBuilder(service(
                        "ns", "s", "1.2.3.4", Map.of(), "grpc-x", 7070, 7070, "tcp", 9090, 9090, "foo", 3306, 3306))
                .editSpec()
                .withIpFamilies("IPv4", "IPv6")
                .endSpec()
                .build();
        Service out = translate(s).orElseThrow();
        assertThat(out.getIpFamilies()).isEqualTo(IPFamilies.DUAL);
        assertThat(out.getPortsList())
                .extracting(Port::getAppProtocol)
                .containsExactly(AppProtocol.GRPC, AppProtocol.TCP, AppProtocol.TCP);
    }

    private static ServiceEntry serviceEntry(String resolution, List<String> addresses, String... hosts) {
        ServiceEntry se = new ServiceEntry();
        se.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName("se").build());
        ServiceEntrySpec spec = new ServiceEntrySpec();
        spec.hosts = List.of(hosts);
        spec.addresses = addresses;
        spec.resolution = resolution;
        ServiceEntrySpec.ServicePort p = new ServiceEntrySpec.ServicePort();
        p.number = 80;
        p.name = "http";
        p.protocol = "HTTP";
        spec.ports = List.of(p);
        spec.subjectAltNames = List.of("san1");
        se.setSpec(spec);
        return se;
    }

    @Test
    void C048_serviceEntryGivesOneServicePerHost() {
        List<ServiceInfo> infos = ServiceTranslator.fromServiceEntry(
                serviceEntry("DNS", List.of("1.2.3.4"), "a.example.com", "b.example.com"), null, Map.of(), MESH);
        assertThat(infos).extracting(i -> i.service().getHostname()).containsExactly("a.example.com", "b.example.com");
        for (ServiceInfo i : infos) {
            Service s = i.service();
            assertThat(s.getNamespace()).isEqualTo(NS);
            assertThat(s.getName()).isEqualTo("se");
            assertThat(s.getAddresses(0).getAddress()).isEqualTo(ByteString.copyFrom(new byte[] {1, 2, 3, 4}));
            assertThat(s.getPortsList())
                    .containsExactly(Port.newBuilder()
                            .setServicePort(80)
                            .setTargetPort(80)
                            .setAppProtocol(AppProtocol.HTTP11)
                            .build());
            assertThat(s.getSubjectAltNamesList()).containsExactly("san1");
            assertThat(i.key()).isEqualTo(NS + "/" + s.getHostname());
        }
    }

    @Test
    void C048_autoAllocatedVipsAreDeterministicAndInRange() {
        var a = ServiceTranslator.fromServiceEntry(serviceEntry("DNS", null, "x.example.com"), null, Map.of(), MESH);
        var b = ServiceTranslator.fromServiceEntry(serviceEntry("DNS", null, "x.example.com"), null, Map.of(), MESH);
        byte[] ip = a.getFirst().service().getAddresses(0).getAddress().toByteArray();
        assertThat(ip[0] & 0xFF).isEqualTo(240);
        assertThat(ip[1] & 0xFF).isEqualTo(240);
        assertThat(a).isEqualTo(b);
        var none =
                ServiceTranslator.fromServiceEntry(serviceEntry("NONE", null, "x.example.com"), null, Map.of(), MESH);
        assertThat(none.getFirst().service().getAddressesList()).isEmpty();
        assertThat(none.getFirst().service().getLoadBalancing().getMode()).isEqualTo(LoadBalancing.Mode.PASSTHROUGH);
        assertThat(none.getFirst().service().getLoadBalancing().getHealthPolicy())
                .isEqualTo(LoadBalancing.HealthPolicy.ALLOW_ALL);
    }

    @Test
    void C048_cidrAddressKeepsLength() {
        var infos = ServiceTranslator.fromServiceEntry(
                serviceEntry("NONE", List.of("10.0.0.0/8"), "x.example.com"), null, Map.of(), MESH);
        NetworkAddress a = infos.getFirst().service().getAddresses(0);
        assertThat(a.hasLength()).isTrue();
        assertThat(a.getLength()).isEqualTo(8);
    }

    @Test
    void C048_badServiceEntryPortIsRejectedAloneInTheIndex() {
        ServiceEntry bad = serviceEntry("DNS", List.of("1.2.3.4"), "bad.example.com");
        bad.getSpec().ports.getFirst().number = 70000;
        ServiceEntry good = serviceEntry("DNS", List.of("1.2.3.5"), "good.example.com");
        good.getMetadata().setName("good");
        AmbientIndex idx = Fixtures.index();
        Fixtures.upsert(idx, bad, good);
        assertThat(idx.snapshot(TypeUrls.ADDRESS)).containsKey(NS + "/good.example.com");
        assertThat(idx.snapshot(TypeUrls.ADDRESS)).doesNotContainKey(NS + "/bad.example.com");
        assertThat(idx.errors().get("ServiceEntry/ns1/se")).contains("INVALID_PORT");
    }

    static Stream<Arguments> C051_cases() {
        return Stream.of(
                Arguments.of(null, null, false, false),
                Arguments.of("true", null, true, true),
                Arguments.of("True", null, true, true),
                Arguments.of("", null, true, false),
                Arguments.of(null, "true", true, true),
                Arguments.of(null, "false", true, false),
                Arguments.of("false", "true", true, false),
                Arguments.of(null, "", true, false));
    }

    @ParameterizedTest
    @MethodSource("C051_cases")
    void C051_ingressUseWaypointLabelParsing(String svc, String ns, boolean present, boolean use) {
        boolean[] r = Waypoints.ingressUseWaypoint(
                svc == null ? Map.of() : Map.of(Labels.INGRESS_USE_WAYPOINT, svc),
                ns == null ? Map.of() : Map.of(Labels.INGRESS_USE_WAYPOINT, ns));
        assertThat(r).containsExactly(present, use);
    }

    @Test
    void C051_ingressUseWaypointReachesTheService() {
        AmbientIndex idx = Fixtures.index();
        Fixtures.upsert(
                idx,
                namespace(NS, labels(Labels.INGRESS_USE_WAYPOINT, "true")),
                Fixtures.waypoint(NS, "wp", null, "wp.ns1.svc.cluster.local"),
                new ServiceBuilder(service(NS, "s", "10.0.0.1", Map.of(), "http", 80, 80))
                        .editMetadata()
                        .addToLabels(Labels.USE_WAYPOINT, "wp")
                        .endMetadata()
                        .build());
        assertThat(Fixtures.svc(idx, NS + "/s.ns1.svc.cluster.local").getIngressUseWaypoint())
                .isTrue();
    }

    private static ServiceEntry hostEntry(String ns, String name, String created, String host) {
        ServiceEntry se = serviceEntry("DNS", List.of("1.2.3.4"), host);
        se.getMetadata().setNamespace(ns);
        se.getMetadata().setName(name);
        se.getMetadata().setCreationTimestamp(created);
        return se;
    }

    @Test
    void C048_sharedHostnameOlderEntryWinsAndExactlyOneIsCanonical() {
        AmbientIndex idx = Fixtures.index();
        Fixtures.upsert(
                idx,
                hostEntry("ns", "newer", "2026-02-01T00:00:00Z", "shared.example.com"),
                hostEntry("ns", "older", "2026-01-01T00:00:00Z", "shared.example.com"),
                hostEntry("other", "cross", "2026-03-01T00:00:00Z", "shared.example.com"));
        Service same = Fixtures.svc(idx, "ns/shared.example.com");
        assertThat(same.getName()).isEqualTo("older");
        assertThat(same.getCanonical()).isTrue();
        assertThat(Fixtures.svc(idx, "other/shared.example.com").getCanonical()).isFalse();
        // the winner goes away: the other entry of that namespace takes the name, nothing is lost
        Fixtures.delete(idx, hostEntry("ns", "older", "2026-01-01T00:00:00Z", "shared.example.com"));
        assertThat(Fixtures.svc(idx, "ns/shared.example.com").getName()).isEqualTo("newer");
        assertThat(Fixtures.svc(idx, "ns/shared.example.com").getCanonical()).isTrue();
    }

    @Test
    void C048_kubernetesServiceIsCanonicalOverOlderEntry() {
        AmbientIndex idx = Fixtures.index();
        var svc = new ServiceBuilder(service("team-a", "svc", "10.0.0.1", Map.of(), "http", 80, 80))
                .editMetadata()
                .withCreationTimestamp("2026-05-01T00:00:00Z")
                .endMetadata()
                .build();
        Fixtures.upsert(idx, svc, hostEntry("team-b", "camp", "2026-01-01T00:00:00Z", "svc.team-a.svc.cluster.local"));
        assertThat(Fixtures.svc(idx, "team-a/svc.team-a.svc.cluster.local").getCanonical())
                .isTrue();
        assertThat(Fixtures.svc(idx, "team-b/svc.team-a.svc.cluster.local").getCanonical())
                .isFalse();
    }

    @Test
    void C048_autoAllocatedVipsNeverCollide() {
        // find two hosts whose hash slots collide (birthday bound: a few hundred tries)
        Map<Integer, String> seen = new java.util.HashMap<>();
        String first = null;
        String second = null;
        for (int i = 0; i < 20_000 && second == null; i++) {
            String host = "h" + i + ".example.com";
            String prev = seen.putIfAbsent(VipAllocator.startSlot("ns/se-" + host + "/" + host), host);
            if (prev != null) {
                first = prev;
                second = host;
            }
        }
        assertThat(second).as("a colliding pair exists").isNotNull();
        ServiceEntry a = serviceEntry("DNS", null, first);
        a.getMetadata().setNamespace("ns");
        a.getMetadata().setName("se-" + first);
        ServiceEntry b = serviceEntry("DNS", null, second);
        b.getMetadata().setNamespace("ns");
        b.getMetadata().setName("se-" + second);
        assertThat(ServiceTranslator.fromServiceEntry(a, null, Map.of(), MESH)
                        .getFirst()
                        .service()
                        .getAddresses(0))
                .as("the pure allocator alone would collide")
                .isEqualTo(ServiceTranslator.fromServiceEntry(b, null, Map.of(), MESH)
                        .getFirst()
                        .service()
                        .getAddresses(0));
        AmbientIndex idx = Fixtures.index();
        Fixtures.upsert(idx, a, b);
        var vipA = Fixtures.svc(idx, "ns/" + first).getAddresses(0);
        var vipB = Fixtures.svc(idx, "ns/" + second).getAddresses(0);
        assertThat(vipA).isNotEqualTo(vipB);
        // a is deleted: its VIP is freed; b keeps its own (stable)
        Fixtures.delete(idx, a);
        assertThat(Fixtures.svc(idx, "ns/" + second).getAddresses(0)).isEqualTo(vipB);
    }
}
