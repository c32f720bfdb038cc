package io.ambient4j.istiod.xds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class NodeIdTest {
    @Test
    void S3_1_ztunnelNodeIdParses() {
        NodeId n = NodeId.parse("ztunnel~10.244.0.5~ztunnel-x7k2p.istio-system~istio-system.svc.cluster.local");
        assertThat(n.type()).isEqualTo("ztunnel");
        assertThat(n.ipAddresses()).containsExactly("10.244.0.5");
        assertThat(n.podName()).isEqualTo("ztunnel-x7k2p");
        assertThat(n.namespace()).isEqualTo("istio-system");
        assertThat(n.dnsDomain()).isEqualTo("istio-system.svc.cluster.local");
    }

    @Test
    void S3_1_badNodeIdsAreRefusedWithAReason() {
        record Case(String id, XdsRequestException.Reason reason, String message) {}
        for (Case c : List.of(
                new Case("", XdsRequestException.Reason.MISSING_NODE, "missing node information"),
                new Case("ztunnel~1.2.3.4~p.ns", XdsRequestException.Reason.INVALID_NODE, "must have 4 parts"),
                new Case("gateway~1.2.3.4~p.ns~ns.svc", XdsRequestException.Reason.INVALID_NODE, "unknown proxy type"),
                new Case("ztunnel~~p.ns~ns.svc", XdsRequestException.Reason.INVALID_NODE, "no IP address"),
                new Case("ztunnel~1.2.3.4~~ns.svc", XdsRequestException.Reason.INVALID_NODE, "no pod name"))) {
            assertThatThrownBy(() -> NodeId.parse(c.id()))
                    .as(c.id())
                    .isInstanceOfSatisfying(XdsRequestException.class, e -> {
                        assertThat(e.reason()).isEqualTo(c.reason());
                        assertThat(e.getMessage()).contains(c.message());
                    });
        }
    }
}
