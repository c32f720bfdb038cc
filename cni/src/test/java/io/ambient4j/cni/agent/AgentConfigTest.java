package io.ambient4j.cni.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class AgentConfigTest {
    @Test
    void chartDefaults() {
        AgentConfig c = AgentConfig.fromEnv(Map.of("NODE_NAME", "n1"));
        assertThat(c.nodeName()).isEqualTo("n1");
        assertThat(c.systemNamespace()).isEqualTo("istio-system");
        assertThat(c.dnsCapture()).isTrue();
        assertThat(c.ipv6()).isTrue();
        assertThat(c.nativeNftables()).isFalse();
        assertThat(c.excludedNamespaces()).containsExactly("kube-system");
        assertThat(c.zdsSocket()).isEqualTo(Path.of("/var/run/ztunnel/ztunnel.sock"));
        assertThat(c.hostNetns()).isEqualTo(Path.of("/proc/self/ns/net"));
        assertThat(c.healthPort()).isEqualTo(8000);
    }

    @Test
    void C012_C022_overridesFromTheConfigMap() {
        AgentConfig c = AgentConfig.fromEnv(Map.of(
                "NODE_NAME", "n1",
                "POD_NAMESPACE", "mesh",
                "AMBIENT_DNS_CAPTURE", "false",
                "AMBIENT_IPV6", "0",
                "NATIVE_NFTABLES", "true",
                "EXCLUDE_NAMESPACES", "kube-system, other ,",
                "ALLOW_SWITCH_TO_HOST_NS", "true",
                "AMBIENT4J_ZDS_SOCKET", "/tmp/z.sock"));
        assertThat(c.systemNamespace()).isEqualTo("mesh");
        assertThat(c.dnsCapture()).isFalse();
        assertThat(c.ipv6()).isFalse();
        assertThat(c.nativeNftables()).isTrue();
        assertThat(c.excludedNamespaces()).isEqualTo(Set.of("kube-system", "other"));
        assertThat(c.hostNetns()).isEqualTo(Path.of("/host/proc/1/ns/net"));
        assertThat(c.zdsSocket()).isEqualTo(Path.of("/tmp/z.sock"));
    }

    @Test
    void badValuesNameTheVariable() {
        assertThatThrownBy(() -> AgentConfig.fromEnv(Map.of()))
                .isInstanceOf(AgentConfigException.class)
                .satisfies(e ->
                        assertThat(((AgentConfigException) e).reason()).isEqualTo(AgentConfigException.Reason.MISSING))
                .hasMessageContaining("NODE_NAME");
        assertThatThrownBy(() -> AgentConfig.fromEnv(Map.of("NODE_NAME", "n", "AMBIENT_DNS_CAPTURE", "yes")))
                .isInstanceOf(AgentConfigException.class)
                .satisfies(
                        e -> assertThat(((AgentConfigException) e).variable()).isEqualTo("AMBIENT_DNS_CAPTURE"));
        assertThatThrownBy(() -> AgentConfig.fromEnv(Map.of("NODE_NAME", "n", "AMBIENT4J_HEALTH_PORT", "x")))
                .isInstanceOf(AgentConfigException.class)
                .satisfies(e -> assertThat(((AgentConfigException) e).reason())
                        .isEqualTo(AgentConfigException.Reason.NOT_A_NUMBER));
    }
}
