package io.ambient4j.cni.agent;

import io.ambient4j.cni.plugin.CniInstaller;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * The agent's Prometheus metrics on {@code :15014/metrics}, named as upstream's istio-cni exports them so
 * existing dashboards and alerts work: {@code istio_cni_plugin_requests_total{response_code}} (plugin
 * events answered), {@code nodeagent_reconcile_events_total{type}} (pod watch events),
 * {@code ztunnel_connected} (ZDS connections), {@code istio_cni_install_ready} and
 * {@code istio_cni_installs_total{result}} (plugin installation).
 */
public final class AgentMetrics {
    private final Map<String, LongAdder> pluginRequests = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> reconcileEvents = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> installs = new ConcurrentHashMap<>();
    private final AtomicInteger installReady = new AtomicInteger();
    private volatile IntSupplier ztunnels = () -> 0;

    public void pluginRequest(int status) {
        pluginRequests
                .computeIfAbsent(Integer.toString(status), k -> new LongAdder())
                .increment();
    }

    public void reconcileEvent(String type) {
        reconcileEvents.computeIfAbsent(type, k -> new LongAdder()).increment();
    }

    public void installed(CniInstaller.Result result) {
        installs.computeIfAbsent(result.name(), k -> new LongAdder()).increment();
    }

    public void installReady(boolean ready) {
        installReady.set(ready ? 1 : 0);
    }

    public void ztunnelConnections(IntSupplier connections) {
        this.ztunnels = connections;
    }

    /** The text exposition format (version 0.0.4), families and series in a stable order. */
    public String render() {
        StringBuilder b = new StringBuilder();
        counter(
                b,
                "istio_cni_plugin_requests_total",
                "The total number of CNI plugin requests handled by the node agent.",
                "response_code",
                pluginRequests);
        counter(
                b,
                "istio_cni_installs_total",
                "Total number of CNI plugins installed by the Istio CNI installer",
                "result",
                installs);
        gauge(b, "istio_cni_install_ready", "Whether the CNI plugin installation is ready or not", installReady.get());
        counter(
                b,
                "nodeagent_reconcile_events_total",
                "The total number of node agent reconcile events.",
                "type",
                reconcileEvents);
        gauge(b, "ztunnel_connected", "number of connections to ztunnel", ztunnels.getAsInt());
        return b.toString();
    }

    private static void counter(
            StringBuilder b, String name, String help, String label, Map<String, LongAdder> series) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(" counter\n");
        new TreeMap<>(series)
                .forEach((value, count) -> b.append(name)
                        .append('{')
                        .append(label)
                        .append("=\"")
                        .append(value)
                        .append("\"} ")
                        .append(count.sum())
                        .append('\n'));
    }

    private static void gauge(StringBuilder b, String name, String help, long value) {
        b.append("# HELP ").append(name).append(' ').append(help).append('\n');
        b.append("# TYPE ").append(name).append(" gauge\n");
        b.append(name).append(' ').append(value).append('\n');
    }
}
