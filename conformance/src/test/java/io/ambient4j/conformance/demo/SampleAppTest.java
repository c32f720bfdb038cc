package io.ambient4j.conformance.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.conformance.mesh.Manifests;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.Gateway;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SampleAppTest {
    @Test
    void C013_appStartsInANamespaceThatIsNotEnrolled() {
        List<HasMetadata> objects = Manifests.parse(SampleApp.manifests("node-1", "node-2"));
        Namespace ns = (Namespace) objects.getFirst();
        assertThat(ns.getMetadata().getName()).isEqualTo("demo");
        assertThat(ns.getMetadata().getLabels()).isNullOrEmpty();
        assertThat(objects.stream()
                        .filter(ServiceAccount.class::isInstance)
                        .map(o -> o.getMetadata().getName()))
                .containsExactly("client", "other", "server");
    }

    @Test
    void callersAndServerAreOnDifferentNodesWithTheirOwnServiceAccounts() {
        List<Deployment> d = Manifests.parse(SampleApp.manifests("node-1", "node-2")).stream()
                .filter(Deployment.class::isInstance)
                .map(Deployment.class::cast)
                .toList();
        assertThat(d).extracting(x -> x.getMetadata().getName()).containsExactly("client", "other", "server");
        for (Deployment x : d) {
            var spec = x.getSpec().getTemplate().getSpec();
            assertThat(spec.getServiceAccountName()).isEqualTo(x.getMetadata().getName());
            assertThat(spec.getNodeSelector())
                    .isEqualTo(Map.of(
                            "kubernetes.io/hostname",
                            x.getMetadata().getName().equals("server") ? "node-2" : "node-1"));
            assertThat(x.getSpec().getTemplate().getMetadata().getLabels())
                    .containsEntry("app", x.getMetadata().getName());
        }
        assertThat(d.getLast()
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .getFirst()
                        .getPorts())
                .extracting(p -> p.getName() + ":" + p.getContainerPort())
                .containsExactly("http:18080", "tcp:19090");
    }

    @Test
    void serviceTargetsTheNamedPorts() {
        Service s = Manifests.parse(SampleApp.manifests("node-1", "node-2")).stream()
                .filter(Service.class::isInstance)
                .map(Service.class::cast)
                .findFirst()
                .orElseThrow();
        assertThat(s.getSpec().getSelector()).isEqualTo(Map.of("app", "server"));
        assertThat(s.getSpec().getPorts())
                .extracting(p -> p.getName() + ":" + p.getPort() + "->"
                        + p.getTargetPort().getStrVal())
                .containsExactly("http:80->http", "tcp:9090->tcp");
    }

    @Test
    void C081_policyAllowsOnlyTheClientPrincipal() {
        HasMetadata h =
                Manifests.parse(SampleApp.allowOnlyClient("cluster.local")).getFirst();
        assertThat(h.getKind()).isEqualTo("AuthorizationPolicy");
        Map<String, Object> spec = ((GenericKubernetesResource) h).get("spec");
        assertThat(spec).containsEntry("action", "ALLOW");
        assertThat(spec.toString())
                .contains("principals=[cluster.local/ns/demo/sa/client]")
                .contains("matchLabels={app=server}");
        assertThat(SampleApp.spiffe("cluster.local", "other")).isEqualTo("spiffe://cluster.local/ns/demo/sa/other");
    }

    @Test
    void C090_waypointGatewayIsTheOneIstioctlApplies() {
        Gateway gw = (Gateway) Manifests.parse(SampleApp.waypointGateway()).getFirst();
        assertThat(gw.getApiVersion()).isEqualTo("gateway.networking.k8s.io/v1");
        assertThat(gw.getMetadata().getName()).isEqualTo("waypoint");
        assertThat(gw.getMetadata().getNamespace()).isEqualTo("demo");
        assertThat(gw.getMetadata().getLabels()).isEqualTo(Map.of("istio.io/waypoint-for", "service"));
        assertThat(gw.getSpec().getGatewayClassName()).isEqualTo("istio-waypoint");
        assertThat(gw.getSpec().getListeners())
                .extracting(l -> l.getName() + ":" + l.getPort() + ":" + l.getProtocol())
                .containsExactly("mesh:15008:HBONE");
    }

    @Test
    void C098_workloadPolicyAdmitsOnlyTheWaypointIdentity() {
        GenericKubernetesResource h = (GenericKubernetesResource)
                Manifests.parse(SampleApp.allowOnlyWaypoint("cluster.local")).getFirst();
        Map<String, Object> spec = h.get("spec");
        assertThat(spec).containsEntry("action", "ALLOW");
        assertThat(spec.toString())
                .contains("principals=[cluster.local/ns/demo/sa/waypoint]")
                .contains("matchLabels={app=server}")
                .doesNotContain("sa/client");
    }

    @Test
    void C100_l7PolicyTargetsTheWaypointAndAllowsClientGetsUnderAllowed() {
        GenericKubernetesResource h = (GenericKubernetesResource)
                Manifests.parse(SampleApp.l7AllowClientGet("cluster.local")).getFirst();
        Map<String, Object> spec = h.get("spec");
        assertThat(spec).containsEntry("action", "ALLOW").doesNotContainKey("selector");
        assertThat(spec.get("targetRefs"))
                .isEqualTo(
                        List.of(Map.of("group", "gateway.networking.k8s.io", "kind", "Gateway", "name", "waypoint")));
        assertThat(spec.toString())
                .contains("principals=[cluster.local/ns/demo/sa/client]")
                .contains("methods=[GET]")
                .contains("paths=[/allowed*]");
    }
}
