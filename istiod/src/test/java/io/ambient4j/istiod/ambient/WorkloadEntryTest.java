package io.ambient4j.istiod.ambient;

import static io.ambient4j.istiod.ambient.Fixtures.NS;
import static io.ambient4j.istiod.ambient.Fixtures.labels;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.ByteString;
import io.ambient4j.api.workload.Address;
import io.ambient4j.api.workload.Port;
import io.ambient4j.api.workload.PortList;
import io.ambient4j.api.workload.Workload;
import io.ambient4j.istiod.kube.crd.ServiceEntry;
import io.ambient4j.istiod.kube.crd.ServiceEntrySpec;
import io.ambient4j.istiod.kube.crd.WorkloadEntry;
import io.ambient4j.istiod.kube.crd.WorkloadEntrySpec;
import io.ambient4j.istiod.xds.TypeUrls;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** WorkloadEntry and ServiceEntry endpoints → Workloads: C040. */
class WorkloadEntryTest {
    private static WorkloadEntry workloadEntry(String name, String address, Map<String, String> labels) {
        WorkloadEntry we = new WorkloadEntry();
        we.setMetadata(new ObjectMetaBuilder()
                .withNamespace(NS)
                .withName(name)
                .withLabels(labels)
                .build());
        WorkloadEntrySpec spec = new WorkloadEntrySpec();
        spec.address = address;
        spec.serviceAccount = "we-sa";
        spec.ports = Map.of("http", 8081);
        we.setSpec(spec);
        return we;
    }

    private static ServiceEntry serviceEntry(WorkloadEntrySpec... endpoints) {
        ServiceEntry se = new ServiceEntry();
        se.setMetadata(new ObjectMetaBuilder().withNamespace(NS).withName("se").build());
        ServiceEntrySpec spec = new ServiceEntrySpec();
        spec.hosts = List.of("se.example.com");
        spec.addresses = List.of("240.1.1.1");
        spec.resolution = "STATIC";
        ServiceEntrySpec.ServicePort p = new ServiceEntrySpec.ServicePort();
        p.number = 80;
        p.name = "http";
        p.protocol = "HTTP";
        spec.ports = List.of(p);
        spec.endpoints = List.of(endpoints);
        se.setSpec(spec);
        return se;
    }

    @Test
    void C040_workloadEntryUidAndFields() {
        AmbientIndex idx = Fixtures.index();
        Fixtures.upsert(idx, workloadEntry("we1", "10.1.1.1", labels("app", "a")));
        Workload w = Fixtures.workload(idx, "Kubernetes/networking.istio.io/WorkloadEntry/ns1/we1");
        assertThat(w).isNotNull();
        assertThat(w.getServiceAccount()).isEqualTo("we-sa");
        assertThat(w.getCanonicalName()).isEqualTo("a");
        assertThat(w.getAddressesList()).containsExactly(ByteString.copyFrom(new byte[] {10, 1, 1, 1}));
    }

    @Test
    void C040_inlineEndpointUidAndPortOverride() {
        AmbientIndex idx = Fixtures.index();
        WorkloadEntrySpec ep = new WorkloadEntrySpec();
        ep.address = "10.2.2.2";
        ep.ports = Map.of("http", 8081);
        ServiceEntry se = serviceEntry(ep);
        Fixtures.upsert(idx, se);
        String uid = "Kubernetes/networking.istio.io/ServiceEntry/ns1/se/10.2.2.2";
        Workload w = Fixtures.workload(idx, uid);
        assertThat(w).isNotNull();
        assertThat(w.getName()).isEqualTo("se");
        assertThat(w.getServicesMap())
                .containsEntry(
                        NS + "/se.example.com",
                        PortList.newBuilder()
                                .addPorts(Port.newBuilder().setServicePort(80).setTargetPort(8081))
                                .build());
        // deleting the SE removes its Service and Workloads
        var deltas = Fixtures.delete(idx, se);
        assertThat(Fixtures.removed(deltas, TypeUrls.ADDRESS)).containsExactlyInAnyOrder(uid, NS + "/se.example.com");
        assertThat(idx.snapshot(TypeUrls.ADDRESS)).isEmpty();
    }

    @Test
    void C040_workloadEntryAndPodWithSameIpAreBothReturned() {
        AmbientIndex idx = Fixtures.index();
        Fixtures.upsert(idx, workloadEntry("we1", "10.0.0.1", labels()), Fixtures.readyPod("p", "10.0.0.1"));
        ByteString ip = ByteString.copyFrom(new byte[] {10, 0, 0, 1});
        List<String> byIp = idx.snapshot(TypeUrls.ADDRESS).values().stream()
                .map(r -> (Address) r.body())
                .filter(a ->
                        a.hasWorkload() && a.getWorkload().getAddressesList().contains(ip))
                .map(a -> a.getWorkload().getUid())
                .sorted()
                .toList();
        assertThat(byIp)
                .containsExactly("Kubernetes//Pod/ns1/p", "Kubernetes/networking.istio.io/WorkloadEntry/ns1/we1");
    }

    @Test
    void C040_serviceEntrySelectsWorkloadEntryByLabelsAndPortName() {
        AmbientIndex idx = Fixtures.index();
        ServiceEntry se = serviceEntry();
        se.getSpec().endpoints = null;
        se.getSpec().workloadSelector = new ServiceEntrySpec.WorkloadSelectorLabels();
        se.getSpec().workloadSelector.labels = labels("app", "a");
        Fixtures.upsert(idx, se, workloadEntry("we1", "10.1.1.1", labels("app", "a")));
        Workload w = Fixtures.workload(idx, "Kubernetes/networking.istio.io/WorkloadEntry/ns1/we1");
        assertThat(w.getServicesMap().get(NS + "/se.example.com").getPorts(0).getTargetPort())
                .isEqualTo(8081);
    }

    @Test
    void C040_dnsServiceEntryWithoutEndpointsGetsHostnameWorkload() {
        AmbientIndex idx = Fixtures.index();
        ServiceEntry se = serviceEntry();
        se.getSpec().endpoints = null;
        se.getSpec().resolution = "DNS";
        Fixtures.upsert(idx, se);
        Workload w = Fixtures.workload(idx, "Kubernetes/networking.istio.io/ServiceEntry/ns1/se/se.example.com");
        assertThat(w.getHostname()).isEqualTo("se.example.com");
        assertThat(w.getAddressesList()).isEmpty();
    }
}
