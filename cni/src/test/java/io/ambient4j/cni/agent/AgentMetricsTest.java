package io.ambient4j.cni.agent;

import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.cni.plugin.CniInstaller;
import org.junit.jupiter.api.Test;

/** The exposition text: upstream's names, stable order, one series per label value. */
class AgentMetricsTest {
    @Test
    void rendersUpstreamNames() {
        AgentMetrics m = new AgentMetrics();
        m.pluginRequest(200);
        m.pluginRequest(200);
        m.pluginRequest(500);
        m.reconcileEvent("add");
        m.installed(CniInstaller.Result.SUCCESS);
        m.installReady(true);
        m.ztunnelConnections(() -> 2);
        assertThat(m.render()).isEqualTo("""
                        # HELP istio_cni_plugin_requests_total The total number of CNI plugin requests handled by the node agent.
                        # TYPE istio_cni_plugin_requests_total counter
                        istio_cni_plugin_requests_total{response_code="200"} 2
                        istio_cni_plugin_requests_total{response_code="500"} 1
                        # HELP istio_cni_installs_total Total number of CNI plugins installed by the Istio CNI installer
                        # TYPE istio_cni_installs_total counter
                        istio_cni_installs_total{result="SUCCESS"} 1
                        # HELP istio_cni_install_ready Whether the CNI plugin installation is ready or not
                        # TYPE istio_cni_install_ready gauge
                        istio_cni_install_ready 1
                        # HELP nodeagent_reconcile_events_total The total number of node agent reconcile events.
                        # TYPE nodeagent_reconcile_events_total counter
                        nodeagent_reconcile_events_total{type="add"} 1
                        # HELP ztunnel_connected number of connections to ztunnel
                        # TYPE ztunnel_connected gauge
                        ztunnel_connected 2
                        """);
    }
}
