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

    @Test
    void C032_installSettingsFromTheConfigMap() {
        AgentConfig d = AgentConfig.fromEnv(Map.of("NODE_NAME", "n1"));
        assertThat(d.install().mountedConfDir()).isEqualTo(Path.of("/host/etc/cni/net.d"));
        assertThat(d.install().mountedBinDir()).isEqualTo(Path.of("/host/opt/cni/bin"));
        assertThat(d.install().chained()).isTrue();
        assertThat(d.install().istioOwned()).isFalse();
        assertThat(d.install().istioOwnedFileName()).isEqualTo("02-istio-cni.conflist");
        assertThat(d.install().hostRunDir()).isEqualTo(Path.of("/var/run/istio-cni"));
        assertThat(d.pluginEventSocket()).isEqualTo(Path.of("/var/run/istio-cni/pluginevent.sock"));
        assertThat(d.metricsPort()).isEqualTo(15014);
        assertThat(d.install().excludeNamespaces()).containsExactly("kube-system");

        AgentConfig c = AgentConfig.fromEnv(Map.of(
                "NODE_NAME", "n1",
                "CNI_CONF_NAME", "10-calico.conflist",
                "CHAINED_CNI_PLUGIN", "false",
                "ISTIO_OWNED_CNI_CONFIG", "true",
                "ISTIO_OWNED_CNI_CONF_FILENAME", "01-mine.conflist",
                "CNI_AGENT_RUN_DIR", "/run/a4j",
                "MONITORING_PORT", "9999",
                "EXCLUDE_NAMESPACES", "b,a"));
        assertThat(c.install().confName()).contains("10-calico.conflist");
        assertThat(c.install().chained()).isFalse();
        assertThat(c.install().istioOwned()).isTrue();
        assertThat(c.install().istioOwnedFileName()).isEqualTo("01-mine.conflist");
        assertThat(c.pluginEventSocket()).isEqualTo(Path.of("/run/a4j/pluginevent.sock"));
        assertThat(c.metricsPort()).isEqualTo(9999);
        assertThat(c.install().excludeNamespaces()).containsExactly("a", "b");
        assertThatThrownBy(() -> AgentConfig.fromEnv(Map.of("NODE_NAME", "n", "CHAINED_CNI_PLUGIN", "maybe")))
                .isInstanceOf(AgentConfigException.class)
                .hasMessageContaining("CHAINED_CNI_PLUGIN");
    }

    @Test
    void netnsPathsFromTheRuntimeAreFoundUnderTheHostMount() {
        assertThat(AgentConfig.mapNetnsPath("/host", "/var/run/netns/cni-1"))
                .isEqualTo(Path.of("/host/var/run/netns/cni-1"));
        assertThat(AgentConfig.mapNetnsPath("/host", "/proc/4242/ns/net")).isEqualTo(Path.of("/host/proc/4242/ns/net"));
        assertThat(AgentConfig.mapNetnsPath("/host", "/host/proc/1/ns/net")).isEqualTo(Path.of("/host/proc/1/ns/net"));
        assertThat(AgentConfig.mapNetnsPath("", "/var/run/netns/cni-1")).isEqualTo(Path.of("/var/run/netns/cni-1"));
    }

    @Test
    void C019_malformedEnablementSelectorFailsStartUpNamingTheVariable() {
        assertThatThrownBy(() -> AgentConfig.fromEnv(Map.of(
                        "NODE_NAME",
                        "n1",
                        "AMBIENT_ENABLEMENT_SELECTOR",
                        "- podSelector: {matchExpressions: [{key: a, operator: Equals, values: [b]}]}")))
                .isInstanceOfSatisfying(AgentConfigException.class, e -> {
                    assertThat(e.reason()).isEqualTo(AgentConfigException.Reason.BAD_ENABLEMENT_SELECTOR);
                    assertThat(e.variable()).isEqualTo("AMBIENT_ENABLEMENT_SELECTOR");
                    assertThat(e.getMessage())
                            .contains("[0].podSelector.matchExpressions[0].operator 'Equals'")
                            .contains("BAD_OPERATOR");
                });
    }

    @Test
    void C019_customEnablementSelectorReachesPolicyAndConflistEntry() {
        AgentConfig c = AgentConfig.fromEnv(Map.of(
                "NODE_NAME",
                "n1",
                "AMBIENT_ENABLEMENT_SELECTOR",
                "- podSelector:\n    matchLabels: {mesh: \"yes\"}\n"));
        assertThat(c.enablementSelectors().matches(Map.of("mesh", "yes"), Map.of()))
                .isTrue();
        assertThat(c.enablementSelectors().matches(Map.of("istio.io/dataplane-mode", "ambient"), Map.of()))
                .isFalse();
        assertThat(c.install().enablementSelectors())
                .isEqualTo(java.util.List.of(Map.of("podSelector", Map.of("matchLabels", Map.of("mesh", "yes")))));
        assertThat(io.ambient4j.cni.plugin.CniConfigs.entry(c.install()).get("enablement_selectors"))
                .isEqualTo(c.install().enablementSelectors());
    }
}
