package io.ambient4j.waypoint.metrics;

import io.ambient4j.ztunnel.state.Workload;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Istio's standard metrics as a waypoint reports them ({@code reporter="waypoint"}): {@code istio_requests_total},
 * the {@code istio_request_duration_milliseconds} histogram, and the four {@code istio_tcp_*} counters for traffic
 * relayed at L4. Label names are upstream's, so dashboards and Kiali read them; updates are lock-free.
 */
public final class WaypointMetrics {
    /** Labels shared by every family, in emission order. */
    static final List<String> PEER_LABELS = List.of(
            "reporter",
            "source_workload",
            "source_canonical_service",
            "source_canonical_revision",
            "source_workload_namespace",
            "source_principal",
            "source_app",
            "source_version",
            "source_cluster",
            "destination_workload",
            "destination_workload_namespace",
            "destination_principal",
            "destination_app",
            "destination_version",
            "destination_service",
            "destination_canonical_service",
            "destination_canonical_revision",
            "destination_service_name",
            "destination_service_namespace",
            "destination_cluster",
            "request_protocol");

    static final List<String> HTTP_LABELS = concat(
            PEER_LABELS,
            List.of("response_code", "grpc_response_status", "response_flags", "connection_security_policy"));
    static final List<String> TCP_LABELS = concat(PEER_LABELS, List.of("response_flags", "connection_security_policy"));

    /** Istio's default duration buckets (ms). */
    static final double[] BUCKETS = {
        0.5, 1, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000, 30000, 60000, 300000, 600000, 1800000, 3600000
    };

    private static final String UNKNOWN = "unknown";

    private record Counter(String name, String help, List<String> labelNames, Map<List<String>, LongAdder> series) {
        Counter(String name, String help, List<String> labelNames) {
            this(name, help, labelNames, new ConcurrentHashMap<>());
        }

        void add(List<String> labels, long n) {
            series.computeIfAbsent(labels, k -> new LongAdder()).add(n);
        }
    }

    private static final class Histogram {
        final LongAdder[] buckets = new LongAdder[BUCKETS.length];
        final LongAdder count = new LongAdder();
        final java.util.concurrent.atomic.DoubleAdder sum = new java.util.concurrent.atomic.DoubleAdder();

        Histogram() {
            for (int i = 0; i < buckets.length; i++) {
                buckets[i] = new LongAdder();
            }
        }

        void observe(double v) {
            for (int i = 0; i < BUCKETS.length; i++) {
                if (v <= BUCKETS[i]) {
                    buckets[i].increment();
                }
            }
            count.increment();
            sum.add(v);
        }
    }

    private final Counter requests =
            new Counter("istio_requests_total", "Total requests handled by the waypoint", HTTP_LABELS);
    private final Map<List<String>, Histogram> durations = new ConcurrentHashMap<>();
    private final Map<List<String>, Histogram> requestBytes = new ConcurrentHashMap<>();
    private final Map<List<String>, Histogram> responseBytes = new ConcurrentHashMap<>();
    private final Counter opened =
            new Counter("istio_tcp_connections_opened_total", "The total number of TCP connections opened", TCP_LABELS);
    private final Counter closed =
            new Counter("istio_tcp_connections_closed_total", "The total number of TCP connections closed", TCP_LABELS);
    private final Counter received = new Counter(
            "istio_tcp_received_bytes_total",
            "The size of total bytes received during request in case of a TCP connection",
            TCP_LABELS);
    private final Counter sent = new Counter(
            "istio_tcp_sent_bytes_total",
            "The size of total bytes sent during response in case of a TCP connection",
            TCP_LABELS);

    /** One HTTP request completed (or was answered by the waypoint itself). */
    public void request(Peer peer, int status, String responseFlags, double durationMs) {
        request(peer, status, responseFlags, durationMs, 0, 0);
    }

    /** As {@link #request(Peer, int, String, double)}, with the request and response sizes (head and body). */
    public void request(
            Peer peer, int status, String responseFlags, double durationMs, long requestSize, long responseSize) {
        List<String> labels =
                concat(peerValues(peer, "http"), List.of(Integer.toString(status), "-", responseFlags, "mutual_tls"));
        requests.add(labels, 1);
        durations.computeIfAbsent(labels, k -> new Histogram()).observe(durationMs);
        requestBytes.computeIfAbsent(labels, k -> new Histogram()).observe(requestSize);
        responseBytes.computeIfAbsent(labels, k -> new Histogram()).observe(responseSize);
    }

    /** An L4 (non-HTTP) tunnel was relayed to an endpoint. */
    public void tcpOpened(Peer peer) {
        opened.add(tcpLabels(peer, "-"), 1);
    }

    public void tcpClosed(Peer peer, String responseFlags, long bytesReceived, long bytesSent) {
        List<String> labels = tcpLabels(peer, responseFlags);
        closed.add(labels, 1);
        received.add(labels, bytesReceived);
        sent.add(labels, bytesSent);
    }

    private static List<String> tcpLabels(Peer peer, String flags) {
        return concat(peerValues(peer, "tcp"), List.of(flags, "mutual_tls"));
    }

    static List<String> peerValues(Peer p, String protocol) {
        List<String> v = new ArrayList<>(PEER_LABELS.size());
        v.add("waypoint");
        v.add(s(p.source(), Workload::workloadName));
        v.add(s(p.source(), Workload::canonicalName));
        v.add(s(p.source(), Workload::canonicalRevision));
        v.add(s(p.source(), Workload::namespace));
        v.add(p.sourcePrincipal().map(id -> id.uri()).orElse(UNKNOWN));
        v.add(s(p.source(), Workload::canonicalName));
        v.add(s(p.source(), Workload::canonicalRevision));
        v.add(s(p.source(), Workload::clusterId));
        v.add(s(p.destination(), Workload::workloadName));
        v.add(s(p.destination(), Workload::namespace));
        v.add(p.destination().map(w -> w.identity().uri()).orElse(UNKNOWN));
        v.add(s(p.destination(), Workload::canonicalName));
        v.add(s(p.destination(), Workload::canonicalRevision));
        v.add(s(p.service(), io.ambient4j.ztunnel.state.Service::hostname));
        v.add(s(p.destination(), Workload::canonicalName));
        v.add(s(p.destination(), Workload::canonicalRevision));
        v.add(s(p.service(), io.ambient4j.ztunnel.state.Service::name));
        v.add(s(p.service(), io.ambient4j.ztunnel.state.Service::namespace));
        v.add(s(p.destination(), Workload::clusterId));
        v.add(protocol);
        return v;
    }

    /** Prometheus text (version 0.0.4). */
    public String render() {
        StringBuilder sb = new StringBuilder();
        renderCounter(sb, requests);
        histogram(sb, "istio_request_duration_milliseconds", "Request duration through the waypoint", durations);
        histogram(sb, "istio_request_bytes", "HTTP request sizes (head and body)", requestBytes);
        histogram(sb, "istio_response_bytes", "HTTP response sizes (head and body)", responseBytes);
        for (Counter c : List.of(opened, closed, received, sent)) {
            renderCounter(sb, c);
        }
        return sb.toString();
    }

    private static void histogram(StringBuilder sb, String name, String help, Map<List<String>, Histogram> series) {
        sb.append("# HELP ").append(name).append(' ').append(help).append(".\n");
        sb.append("# TYPE ").append(name).append(" histogram\n");
        for (var e : sorted(series)) {
            Histogram h = e.getValue();
            for (int i = 0; i < BUCKETS.length; i++) {
                sample(sb, name + "_bucket", HTTP_LABELS, e.getKey(), "le", fmt(BUCKETS[i]))
                        .append(h.buckets[i].sum())
                        .append('\n');
            }
            sample(sb, name + "_bucket", HTTP_LABELS, e.getKey(), "le", "+Inf")
                    .append(h.count.sum())
                    .append('\n');
            sample(sb, name + "_sum", HTTP_LABELS, e.getKey(), null, null)
                    .append(h.sum.sum())
                    .append('\n');
            sample(sb, name + "_count", HTTP_LABELS, e.getKey(), null, null)
                    .append(h.count.sum())
                    .append('\n');
        }
    }

    /** The value of one {@code istio_requests_total} series whose labels include every given pair (tests, admin). */
    public long requestCount(Map<String, String> labels) {
        long n = 0;
        for (var e : requests.series().entrySet()) {
            boolean all = labels.entrySet().stream()
                    .allMatch(l -> l.getValue().equals(e.getKey().get(HTTP_LABELS.indexOf(l.getKey()))));
            if (all) {
                n += e.getValue().sum();
            }
        }
        return n;
    }

    private static void renderCounter(StringBuilder sb, Counter c) {
        String base = c.name().substring(0, c.name().length() - "_total".length());
        sb.append("# HELP ").append(base).append(' ').append(c.help()).append(".\n");
        sb.append("# TYPE ").append(base).append(" counter\n");
        for (var e : sorted(c.series())) {
            sample(sb, c.name(), c.labelNames(), e.getKey(), null, null)
                    .append(e.getValue().sum())
                    .append('\n');
        }
    }

    private static StringBuilder sample(
            StringBuilder sb, String name, List<String> names, List<String> values, String extra, String extraValue) {
        sb.append(name).append('{');
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(names.get(i)).append("=\"").append(escape(values.get(i))).append('"');
        }
        if (extra != null) {
            sb.append(',').append(extra).append("=\"").append(extraValue).append('"');
        }
        return sb.append("} ");
    }

    private static <V> List<Map.Entry<List<String>, V>> sorted(Map<List<String>, V> m) {
        List<Map.Entry<List<String>, V>> rows = new ArrayList<>(m.entrySet());
        rows.sort(Comparator.comparing(e -> String.join("\u0000", e.getKey())));
        return rows;
    }

    private static String fmt(double d) {
        return d == Math.rint(d) ? Long.toString((long) d) : Double.toString(d);
    }

    static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static <T> String s(Optional<T> o, Function<T, String> f) {
        return o.map(f).filter(x -> !x.isEmpty()).orElse(UNKNOWN);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> out = new ArrayList<>(a);
        out.addAll(b);
        return List.copyOf(out);
    }
}
