package io.ambient4j.istiod.ambient;

import static io.ambient4j.istiod.ambient.Fixtures.NS;
import static io.ambient4j.istiod.ambient.Fixtures.labels;
import static io.ambient4j.istiod.ambient.Fixtures.podUid;
import static io.ambient4j.istiod.ambient.Fixtures.readyPod;
import static io.ambient4j.istiod.ambient.Fixtures.service;
import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.api.workload.Port;
import io.ambient4j.api.workload.PortList;
import io.ambient4j.istiod.kube.crd.ServiceEntry;
import io.ambient4j.istiod.kube.crd.ServiceEntrySpec;
import io.ambient4j.istiod.xds.TypeUrls;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Service membership and per-pod port mapping: C036, C041. */
class ServiceMembershipTest {
    private static final String FOO = NS + "/svc1.ns1.svc.cluster.local";

    private static Pod podWithPorts(String name, String ip, String... namePort) {
        PodBuilder b = new PodBuilder(readyPod(name, ip, "app", "foo"));
        var c = b.editSpec().addNewContainer().withName("app");
        for (int i = 0; i < namePort.length; i += 2) {
            c.addToPorts(new ContainerPortBuilder()
                    .withName(namePort[i])
                    .withContainerPort(Integer.parseInt(namePort[i + 1]))
                    .build());
        }
        return c.endContainer().endSpec().build();
    }

    private static PortList ports(int... pairs) {
        PortList.Builder b = PortList.newBuilder();
        for (int i = 0; i < pairs.length; i += 2) {
            b.addPorts(Port.newBuilder().setServicePort(pairs[i]).setTargetPort(pairs[i + 1]));
        }
        return b.build();
    }

    @Test
    void C036_serviceMembershipAndNumericPort() {
        AmbientIndex idx = Fixtures.index();
        Fixtures.upsert(
                idx,
                readyPod("p", "10.0.0.1", "app", "foo"),
                service(NS, "svc1", "10.96.0.1", labels("app", "foo"), "http", 80, 8080));
        assertThat(Fixtures.workload(idx, podUid("p")).getServicesMap()).containsEntry(FOO, ports(80, 8080));
    }

    @Test
    void C036_namedTargetPortResolvedPerPodAndMissingNameLeftOut() {
        AmbientIndex idx = Fixtures.index();
        Fixtures.upsert(
                idx,
                podWithPorts("p", "10.0.0.1", "http", "9090"),
                service(
                        NS,
                        "svc1",
                        "10.96.0.1",
                        labels("app", "foo"),
                        "a",
                        80,
                        8080,
                        "b",
                        81,
                        "http",
                        "c",
                        82,
                        "nope"));
        assertThat(Fixtures.workload(idx, podUid("p")).getServicesMap()).containsEntry(FOO, ports(80, 8080, 81, 9090));
        // the Service itself keeps 0 for named ports
        assertThat(Fixtures.svc(idx, FOO).getPortsList())
                .extracting(Port::getTargetPort)
                .containsExactly(8080, 0, 0);
    }

    @Test
    void C036_serviceEntrySelectingPodMapsPortByName() {
        AmbientIndex idx = Fixtures.index();
        ServiceEntry se = new ServiceEntry();
        se.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName("se").build());
        ServiceEntrySpec spec = new ServiceEntrySpec();
        spec.hosts = List.of("se.example.com");
        spec.addresses = List.of("240.0.0.1");
        spec.resolution = "STATIC";
        ServiceEntrySpec.ServicePort p = new ServiceEntrySpec.ServicePort();
        p.number = 8002;
        p.name = "http";
        p.protocol = "HTTP";
        spec.ports = List.of(p);
        spec.workloadSelector = new ServiceEntrySpec.WorkloadSelectorLabels();
        spec.workloadSelector.labels = labels("app", "foo");
        se.setSpec(spec);
        Fixtures.upsert(idx, podWithPorts("p", "10.0.0.1", "http", "8000"), se);
        assertThat(Fixtures.workload(idx, podUid("p")).getServicesMap())
                .containsEntry(NS + "/se.example.com", ports(8002, 8000));
    }

    @Test
    void C041_membershipTracksPodsSelectorAndDeletion() {
        AmbientIndex idx = Fixtures.index();
        var svc = service(NS, "svc1", "10.96.0.1", labels("app", "foo"), "http", 80, 8080);
        var deltas = Fixtures.upsert(idx, svc);
        assertThat(Fixtures.upserted(deltas, TypeUrls.ADDRESS)).containsExactly(FOO);

        deltas = Fixtures.upsert(idx, readyPod("p1", "10.0.0.1", "app", "foo", "tier", "a"));
        assertThat(Fixtures.upserted(deltas, TypeUrls.ADDRESS)).containsExactly(podUid("p1"));
        deltas = Fixtures.upsert(idx, readyPod("p2", "10.0.0.2", "app", "foo", "tier", "b"));
        assertThat(Fixtures.upserted(deltas, TypeUrls.ADDRESS)).containsExactly(podUid("p2"));
        assertThat(membersOf(idx)).containsExactlyInAnyOrder("p1", "p2");

        // tighten the selector: exactly the service and the pod that left are pushed
        deltas = Fixtures.upsert(
                idx, service(NS, "svc1", "10.96.0.1", labels("app", "foo", "tier", "a"), "http", 80, 8080));
        assertThat(Fixtures.upserted(deltas, TypeUrls.ADDRESS)).containsExactly(podUid("p2"));
        assertThat(membersOf(idx)).containsExactly("p1");

        // an unrelated pod event pushes only that pod
        deltas = Fixtures.upsert(idx, readyPod("other", "10.0.0.3", "app", "bar"));
        assertThat(Fixtures.upserted(deltas, TypeUrls.ADDRESS)).containsExactly(podUid("other"));

        // deleting the Service removes it and updates its members only
        deltas = Fixtures.delete(idx, svc);
        assertThat(Fixtures.removed(deltas, TypeUrls.ADDRESS)).containsExactly(FOO);
        assertThat(Fixtures.upserted(deltas, TypeUrls.ADDRESS)).containsExactly(podUid("p1"));
        assertThat(membersOf(idx)).isEmpty();
        assertThat(Fixtures.svc(idx, FOO)).isNull();
    }

    @Test
    void C041_noDeltaWhenNothingChanged() {
        AmbientIndex idx = Fixtures.index();
        Fixtures.upsert(idx, readyPod("p1", "10.0.0.1", "app", "foo"));
        assertThat(Fixtures.upsert(idx, readyPod("p1", "10.0.0.1", "app", "foo")))
                .isEmpty();
    }

    private static List<String> membersOf(AmbientIndex idx) {
        return idx.snapshot(TypeUrls.ADDRESS).values().stream()
                .map(r -> (io.ambient4j.api.workload.Address) r.body())
                .filter(a -> a.hasWorkload() && a.getWorkload().getServicesMap().containsKey(FOO))
                .map(a -> a.getWorkload().getName())
                .toList();
    }

    @Test
    void C041_vipLookupReturnsServiceAndCurrentPods() {
        AmbientIndex idx = Fixtures.index();
        var svc = service(NS, "svc1", "10.96.0.1", labels("app", "foo"), "http", 80, 8080);
        Fixtures.upsert(
                idx,
                svc,
                readyPod("p1", "10.0.0.1", "app", "foo"),
                readyPod("p2", "10.0.0.2", "app", "foo"),
                readyPod("other", "10.0.0.3", "app", "bar"));
        assertThat(idx.lookup("/10.96.0.1")).containsExactlyInAnyOrder(FOO, podUid("p1"), podUid("p2"));
        assertThat(idx.lookup("/10.0.0.3")).containsExactly(podUid("other"));
        Fixtures.delete(idx, readyPod("p2", "10.0.0.2", "app", "foo"));
        assertThat(idx.lookup("/10.96.0.1")).containsExactlyInAnyOrder(FOO, podUid("p1"));
        Fixtures.delete(idx, svc);
        assertThat(idx.lookup("/10.96.0.1")).isEmpty();
    }

    @Test
    void S3_1_onDemandNamesResolveLikeUpstreamLookup() {
        AmbientIndex idx = Fixtures.index();
        ServiceEntry se = new ServiceEntry();
        se.setMetadata(
                new ObjectMetaBuilder().withNamespace(NS).withName("range").build());
        ServiceEntrySpec spec = new ServiceEntrySpec();
        spec.hosts = List.of("range.example.com");
        spec.addresses = List.of("10.10.0.0/16");
        spec.resolution = "NONE";
        ServiceEntrySpec.ServicePort port = new ServiceEntrySpec.ServicePort();
        port.number = 443;
        port.name = "tls";
        port.protocol = "TLS";
        spec.ports = List.of(port);
        se.setSpec(spec);
        Fixtures.upsert(
                idx,
                service(NS, "svc1", "10.96.0.1", labels("app", "foo"), "http", 80, 8080),
                readyPod("p1", "10.0.0.1", "app", "foo"),
                se);
        String range = NS + "/range.example.com";
        record Case(String name, String requested, java.util.Set<String> expected) {}
        List<Case> cases = List.of(
                new Case("workload uid", podUid("p1"), java.util.Set.of(podUid("p1"))),
                new Case("service name brings its endpoints", FOO, java.util.Set.of(FOO, podUid("p1"))),
                new Case("VIP alias", "/10.96.0.1", java.util.Set.of(FOO, podUid("p1"))),
                new Case("pod IP alias", "/10.0.0.1", java.util.Set.of(podUid("p1"))),
                new Case("CIDR VIP alias", "/10.10.0.0/16", java.util.Set.of(range)),
                new Case("CIDR without its length is unknown", "/10.10.0.0", java.util.Set.of()),
                new Case("unknown", "/10.9.9.9", java.util.Set.of()));
        for (Case c : cases) {
            assertThat(idx.resolve(TypeUrls.ADDRESS, c.requested()))
                    .as(c.name())
                    .isEqualTo(c.expected());
        }
        // Published resources carry their aliases (envoy Resource.aliases).
        assertThat(idx.snapshot(TypeUrls.ADDRESS).get(range).aliases()).containsExactly("/10.10.0.0/16");
        assertThat(idx.snapshot(TypeUrls.ADDRESS).get(FOO).aliases()).containsExactly("/10.96.0.1");
        assertThat(idx.snapshot(TypeUrls.ADDRESS).get(podUid("p1")).aliases()).containsExactly("/10.0.0.1");
        assertThat(idx.resolve(TypeUrls.AUTHORIZATION, "ns1/nope")).isEmpty();
    }

    @Test
    void C041_ipv6AliasIsCompressed() {
        AmbientIndex idx = Fixtures.index();
        Fixtures.upsert(idx, readyPod("p6", "fd00:0:0:0:0:0:0:1"));
        assertThat(idx.lookup("/fd00::1")).containsExactly(podUid("p6"));
        assertThat(IpAddresses.format(new byte[] {0x20, 0x01, 0x0d, (byte) 0xb8, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1}))
                .isEqualTo("2001:db8:0:1::1");
    }

    @Test
    void C036_selectorlessServiceMatchedThroughEndpointSlice() {
        AmbientIndex idx = Fixtures.index();
        var manual = service(NS, "manual", "10.96.0.7", java.util.Map.of(), "tcp", 7000, 7001);
        var slice = new io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder()
                .withNewMetadata()
                .withNamespace(NS)
                .withName("manual-abc")
                .addToLabels("kubernetes.io/service-name", "manual")
                .endMetadata()
                .addNewEndpoint()
                .withAddresses("10.0.0.1")
                .withNewTargetRef()
                .withKind("Pod")
                .withName("p")
                .withNamespace(NS)
                .endTargetRef()
                .endEndpoint()
                .build();
        Fixtures.upsert(idx, readyPod("p", "10.0.0.1"), manual, slice);
        assertThat(Fixtures.workload(idx, podUid("p")).getServicesMap())
                .containsEntry(NS + "/manual.ns1.svc.cluster.local", ports(7000, 7001));
        var deltas = Fixtures.delete(idx, slice);
        assertThat(Fixtures.upserted(deltas, TypeUrls.ADDRESS)).containsExactly(podUid("p"));
        assertThat(Fixtures.workload(idx, podUid("p")).getServicesMap()).isEmpty();
    }
}
