package io.ambient4j.ztunnel.xds;

import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.api.discovery.Node;
import io.ambient4j.ztunnel.config.Config;
import java.util.Map;
import org.junit.jupiter.api.Test;

class XdsNodeTest {
    @Test
    void ipv6InstanceIpIsWrittenInShortForm() {
        Node n = XdsNode.build(Config.fromEnv(
                Map.of("INSTANCE_IP", "fd00:10:244::5", "POD_NAME", "zt", "POD_NAMESPACE", "istio-system")));
        assertThat(n.getId()).isEqualTo("ztunnel~fd00:10:244::5~zt.istio-system~istio-system.svc.cluster.local");
        assertThat(n.getMetadata().getFieldsMap().get("INSTANCE_IPS").getStringValue())
                .isEqualTo("fd00:10:244::5");
    }

    @Test
    void missingInstanceIpFallsBackLikeUpstreamAndBadJsonMetadataIsSkipped() {
        Node n = XdsNode.build(Config.fromEnv(Map.of("ISTIO_METAJSON_BAD", "{not json", "ISTIO_META_FOO", "bar")));
        assertThat(n.getId()).isEqualTo("ztunnel~1.1.1.1~.~.svc.cluster.local");
        assertThat(n.getMetadata().getFieldsMap()).doesNotContainKey("BAD").containsKey("FOO");
    }
}
