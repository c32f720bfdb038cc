package io.ambient4j.ztunnel.admin;

import io.ambient4j.ztunnel.inpod.InpodStatus;
import io.ambient4j.ztunnel.metrics.DnsMetrics;
import io.ambient4j.ztunnel.metrics.TcpMetrics;

/**
 * The body of {@code :15020/metrics}: the TCP families, the DNS proxy families, {@code istio_build}, and the in-pod proxy gauges and
 * counters under upstream's names (its registry prefixes {@code istio_}; gauges carry no {@code _total},
 * counters do). One text so a scrape sees one consistent set.
 */
final class StatsText {
    private static final String EOF = "# EOF\n";

    private StatsText() {}

    static String render(TcpMetrics tcp, DnsMetrics dns, InpodStatus inpod, String istioVersion) {
        String base = tcp.render();
        StringBuilder sb =
                new StringBuilder(base.endsWith(EOF) ? base.substring(0, base.length() - EOF.length()) : base);
        sb.append(dns.render());
        sb.append("# HELP istio_build Istio component build info.\n")
                .append("# TYPE istio_build gauge\n")
                .append("istio_build{component=\"ztunnel\",tag=\"")
                .append(escape(istioVersion))
                .append("\"} 1\n");
        gauge(
                sb,
                "istio_active_proxy_count",
                "The total number current workloads with active proxies (unstable)",
                inpod.active());
        gauge(
                sb,
                "istio_pending_proxy_count",
                "The total number current workloads with pending proxies (unstable)",
                inpod.pending());
        counter(
                sb,
                "istio_proxies_started",
                "The total number of proxies that were started (unstable)",
                inpod.started());
        counter(
                sb,
                "istio_proxies_stopped",
                "The total number of proxies that were stopped (unstable)",
                inpod.stopped());
        return sb.append(EOF).toString();
    }

    private static void gauge(StringBuilder sb, String name, String help, long v) {
        sb.append("# HELP ").append(name).append(' ').append(help).append(".\n");
        sb.append("# TYPE ").append(name).append(" gauge\n");
        sb.append(name).append(' ').append(v).append('\n');
    }

    private static void counter(StringBuilder sb, String name, String help, long v) {
        sb.append("# HELP ").append(name).append(' ').append(help).append(".\n");
        sb.append("# TYPE ").append(name).append(" counter\n");
        sb.append(name).append("_total ").append(v).append('\n');
    }

    private static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
