package io.ambient4j.ztunnel.metrics;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * ztunnel's TCP metric families ({@code istio_tcp_*}) and their Prometheus/OpenMetrics text. Updates are lock-free
 * (one {@link LongAdder} per label set) because every connection touches them; rendering sorts series so scrapes
 * and tests are stable.
 */
public final class TcpMetrics {
    /** One counter family. */
    private record Family(String name, String help, Map<List<String>, LongAdder> series) {
        Family(String name, String help) {
            this(name, help, new ConcurrentHashMap<>());
        }

        void add(List<String> labels, long n) {
            series.computeIfAbsent(labels, k -> new LongAdder()).add(n);
        }
    }

    private final Family opened =
            new Family("istio_tcp_connections_opened", "The total number of TCP connections opened");
    private final Family closed =
            new Family("istio_tcp_connections_closed", "The total number of TCP connections closed");
    private final Family received = new Family(
            "istio_tcp_received_bytes", "The size of total bytes received during request in case of a TCP connection");
    private final Family sent = new Family(
            "istio_tcp_sent_bytes", "The size of total bytes sent during response in case of a TCP connection");
    private final Family failed = new Family(
            "istio_tcp_connections_failed", "The total number of TCP connections that failed to establish (unstable)");

    /** A connection was established (labels carry response_flags {@code -}). */
    public void opened(ConnectionResult c) {
        opened.add(TrafficLabels.values(c, ResponseFlags.NONE), 1);
    }

    /** A connection ended: closed count and byte counters with its final flags; failures count separately. */
    public void closed(ConnectionResult c) {
        List<String> labels = TrafficLabels.values(c, c.responseFlags());
        closed.add(labels, 1);
        received.add(labels, c.bytesReceived());
        sent.add(labels, c.bytesSent());
        if (c.responseFlags() != ResponseFlags.NONE) {
            failed.add(labels, 1);
        }
    }

    /** A connection refused before it opened: only the (unstable) failed counter moves. */
    public void refused(ConnectionResult c) {
        failed.add(TrafficLabels.values(c, c.responseFlags()), 1);
    }

    /** The current value of one series, 0 when absent (for tests and the admin page). */
    public long value(String family, List<String> labels) {
        for (Family f : List.of(opened, closed, received, sent, failed)) {
            if (f.name().equals(family)) {
                LongAdder a = f.series().get(labels);
                return a == null ? 0 : a.sum();
            }
        }
        throw new IllegalArgumentException("no metric family " + family);
    }

    /** OpenMetrics text: HELP and TYPE per family, {@code _total} samples, {@code # EOF}. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        for (Family f : List.of(opened, closed, received, sent, failed)) {
            sb.append("# HELP ").append(f.name()).append(' ').append(f.help()).append(".\n");
            sb.append("# TYPE ").append(f.name()).append(" counter\n");
            List<Map.Entry<List<String>, LongAdder>> rows =
                    new ArrayList<>(f.series().entrySet());
            rows.sort(Comparator.comparing(e -> String.join("\u0000", e.getKey())));
            for (var e : rows) {
                sb.append(f.name()).append("_total{");
                List<String> names = TrafficLabels.names(e.getKey().size());
                for (int i = 0; i < names.size(); i++) {
                    if (i > 0) {
                        sb.append(',');
                    }
                    sb.append(names.get(i))
                            .append("=\"")
                            .append(escape(e.getKey().get(i)))
                            .append('"');
                }
                sb.append("} ").append(e.getValue().sum()).append('\n');
            }
        }
        return sb.append("# EOF\n").toString();
    }

    static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }
}
