package io.ambient4j.conformance.mesh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class MeshPlanTest {
    @Test
    void topologyGivesEachNodeItsCidrAndUnderlayAddress() {
        Topology t = Topology.of("a4j", 3);
        assertThat(t.nodes()).extracting(Topology.NodePlan::name).containsExactly("node-1", "node-2", "node-3");
        Topology.NodePlan n2 = t.node("node-2");
        assertThat(n2.podCidr()).isEqualTo("10.244.2.0/24");
        assertThat(n2.gateway()).isEqualTo("10.244.2.1");
        assertThat(n2.nodeIp()).isEqualTo("10.240.0.12");
        assertThat(n2.netns()).isEqualTo("a4j-node-2");
        assertThat(n2.podIp(10)).isEqualTo("10.244.2.10");
        assertThat(t.podNetns("echo", "client-abc")).isEqualTo("a4j-echo-client-abc");
        assertThatThrownBy(() -> Topology.of("Bad-Prefix", 1)).hasMessageContaining("prefix");
        assertThatThrownBy(() -> t.node("node-9")).isInstanceOf(MeshException.class);
    }

    @Test
    void journalParsesKindsAndValuesIgnoringNoise() {
        assertThat(StateFile.parse("netns a4j-node-1\n\nfile /etc/netns/x\ngarbage\npid 42\n"))
                .containsExactly(
                        new StateFile.Entry("netns", "a4j-node-1"),
                        new StateFile.Entry("file", "/etc/netns/x"),
                        new StateFile.Entry("pid", "42"));
    }

    @Test
    void journalledProcessesAreOnlyFoundWhenPidAndStartTimeMatch() {
        ProcessHandle self = ProcessHandle.current();
        assertThat(StateFile.sameProcess(StateFile.processId(self))).contains(self);
        assertThat(StateFile.sameProcess(self.pid() + "@1")).isEmpty();
        assertThat(StateFile.sameProcess("12345")).isEmpty();
    }

    @Test
    void kubeconfigNamesTheServer() {
        assertThat(ApiServer.kubeconfigText("http://127.0.0.1:1234"))
                .contains("server: http://127.0.0.1:1234", "current-context: ambient4j");
    }

    @Test
    void crdsCoverTheKindsScenariosUse() {
        assertThat(MeshCrds.all())
                .extracting(MeshCrds.Crd::kind)
                .contains(
                        "AuthorizationPolicy",
                        "PeerAuthentication",
                        "ServiceEntry",
                        "WorkloadEntry",
                        "HTTPRoute",
                        "GatewayClass");
        var crd = MeshCrds.toObject(MeshCrds.all().getFirst());
        assertThat(crd.getMetadata().getName()).isEqualTo("authorizationpolicies.security.istio.io");
        assertThat(crd.getSpec().getVersions())
                .extracting(v -> v.getName())
                .isEqualTo(List.of("v1", "v1beta1", "v1alpha3"));
    }
}
