package io.ambient4j.conformance.kubelet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The chain a runtime derives from a node's CNI config (C018: the plugin runs chained after the primary). */
class ConflistCniHookTest {
    @Test
    void C018_chainKeepsOrderAndGivesEachPluginTheNetworkName() {
        var steps = ConflistCniHook.chain("""
                {"cniVersion":"1.0.0","name":"ambient4j","plugins":[
                  {"type":"bridge","bridge":"br0"},
                  {"type":"istio-cni","cni_agent_run_dir":"/run/x","ambient_enabled":true}]}
                """);
        assertThat(steps).extracting(ConflistCniHook.Step::type).containsExactly("bridge", "istio-cni");
        var cni = steps.get(1).config();
        assertThat(cni.get("name").asString()).isEqualTo("ambient4j");
        assertThat(cni.get("cniVersion").asString()).isEqualTo("1.0.0");
        assertThat(cni.get("cni_agent_run_dir").asString()).isEqualTo("/run/x");
    }

    @Test
    void C018_singlePluginConfIsAChainOfOne() {
        var steps = ConflistCniHook.chain("{\"cniVersion\":\"0.4.0\",\"name\":\"n\",\"type\":\"istio-cni\"}");
        assertThat(steps).extracting(ConflistCniHook.Step::type).containsExactly("istio-cni");
    }

    @Test
    void C018_stdinCarriesPrevResult() {
        var step = ConflistCniHook.chain("{\"name\":\"n\",\"plugins\":[{\"type\":\"istio-cni\"}]}")
                .getFirst();
        String stdin = ConflistCniHook.stdin(step, "{\"cniVersion\":\"1.0.0\",\"ips\":[]}");
        assertThat(stdin).contains("\"type\":\"istio-cni\"").contains("\"prevResult\":{\"cniVersion\":\"1.0.0\"");
    }

    @Test
    void C018_invalidConfigFailsAdd() {
        assertThatThrownBy(() -> ConflistCniHook.chain("{\"plugins\":[{\"bridge\":1}]}"))
                .isInstanceOf(CniException.class)
                .hasMessageContaining("without a type");
        assertThatThrownBy(() -> ConflistCniHook.chain("not json")).isInstanceOf(CniException.class);
    }
}
