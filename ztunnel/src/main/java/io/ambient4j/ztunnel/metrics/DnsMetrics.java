package io.ambient4j.ztunnel.metrics;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * The DNS proxy's metric families under upstream's names and labels ({@code ztunnel:src/dns/metrics.rs}):
 * {@code istio_dns_requests_total}, {@code istio_dns_upstream_requests_total},
 * {@code istio_dns_upstream_failures_total} and the histogram {@code istio_dns_upstream_request_duration_seconds},
 * each labelled {@code request_query_type} (lower-case, e.g. {@code a}), {@code request_protocol} ({@code udp} or
 * {@code tcp}), {@code source_canonical_service} and {@code source_canonical_revision} ({@code unknown} when the pod
 * has no workload yet). Lock-free updates; rendering sorts series. Queries too malformed to answer are counted in
 * {@code istio_dns_malformed_requests_total} (ours; upstream's server library drops them silently).
 */
public final class DnsMetrics {
    /** Label names in emission order. */
    public static final List<String> LABEL_NAMES =
            List.of("request_query_type", "request_protocol", "source_canonical_service", "source_canonical_revision");

    /** Histogram bounds in seconds (upstream's set, in increasing order). */
    static final double[] BUCKETS = {0.001, 0.005, 0.01, 0.1, 1.0, 5.0};

    /** The labels of one request. */
    public record Labels(
            String queryType, String protocol, Optional<String> canonicalService, Optional<String> canonicalRevision) {
        List<String> values() {
            return List.of(
                    queryType, protocol, canonicalService.orElse("unknown"), canonicalRevision.orElse("unknown"));
        }
    }

    private static final class Histogram {
        final AtomicLongArray counts = new AtomicLongArray(BUCKETS.length);
        final LongAdder count = new LongAdder();
        final DoubleAdder sum = new DoubleAdder();

        void observe(double v) {
            for (int i = 0; i < BUCKETS.length; i++) {
                if (v <= BUCKETS[i]) {
                    counts.incrementAndGet(i);
                }
            }
            count.increment();
            sum.add(v);
        }
    }

    private final Map<List<String>, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<List<String>, LongAdder> upstreamRequests = new ConcurrentHashMap<>();
    private final Map<List<String>, LongAdder> upstreamFailures = new ConcurrentHashMap<>();
    private final Map<List<String>, Histogram> upstreamDuration = new ConcurrentHashMap<>();
    private final LongAdder malformed = new LongAdder();

    /** Every query that was decoded, answered locally or forwarded. */
    public void request(Labels l) {
        requests.computeIfAbsent(l.values(), k -> new LongAdder()).increment();
    }

    /** A query forwarded upstream: counted, and its round trip timed (failed or not). */
    public void forwarded(Labels l, Duration took, boolean failed) {
        upstreamRequests.computeIfAbsent(l.values(), k -> new LongAdder()).increment();
        upstreamDuration.computeIfAbsent(l.values(), k -> new Histogram()).observe(took.toNanos() / 1e9);
        if (failed) {
            upstreamFailures.computeIfAbsent(l.values(), k -> new LongAdder()).increment();
        }
    }

    /** A message that could not be decoded (answered FORMERR, or dropped when even the header was unreadable). */
    public void malformed() {
        malformed.increment();
    }

    /** Current values (tests, admin). */
    public long requests(Labels l) {
        return get(requests, l);
    }

    public long upstreamRequests(Labels l) {
        return get(upstreamRequests, l);
    }

    public long upstreamFailures(Labels l) {
        return get(upstreamFailures, l);
    }

    public long malformedCount() {
        return malformed.sum();
    }

    private static long get(Map<List<String>, LongAdder> m, Labels l) {
        LongAdder a = m.get(l.values());
        return a == null ? 0 : a.sum();
    }

    /** The families as Prometheus/OpenMetrics text (no {@code # EOF}: it is appended to the TCP families). */
    public String render() {
        StringBuilder sb = new StringBuilder();
        counter(sb, "istio_dns_requests", "Total number of DNS requests (unstable)", requests);
        counter(
                sb,
                "istio_dns_upstream_requests",
                "Total number of DNS requests forwarded to upstream (unstable)",
                upstreamRequests);
        counter(
                sb,
                "istio_dns_upstream_failures",
                "Total number of DNS requests that failed to forward upstream (unstable)",
                upstreamFailures);
        String h = "istio_dns_upstream_request_duration_seconds";
        sb.append("# HELP ")
                .append(h)
                .append(" Total time in seconds Istio takes to get DNS response from upstream (unstable).\n");
        sb.append("# TYPE ").append(h).append(" histogram\n");
        sb.append("# UNIT ").append(h).append(" seconds\n");
        for (var e : sorted(upstreamDuration)) {
            String labels = labels(e.getKey());
            Histogram hist = e.getValue();
            for (int i = 0; i < BUCKETS.length; i++) {
                sb.append(h)
                        .append("_bucket{")
                        .append(labels)
                        .append(",le=\"")
                        .append(BUCKETS[i])
                        .append("\"} ")
                        .append(hist.counts.get(i))
                        .append('\n');
            }
            long n = hist.count.sum();
            sb.append(h)
                    .append("_bucket{")
                    .append(labels)
                    .append(",le=\"+Inf\"} ")
                    .append(n)
                    .append('\n');
            sb.append(h)
                    .append("_sum{")
                    .append(labels)
                    .append("} ")
                    .append(hist.sum.sum())
                    .append('\n');
            sb.append(h).append("_count{").append(labels).append("} ").append(n).append('\n');
        }
        sb.append("# HELP istio_dns_malformed_requests DNS messages that could not be decoded (ambient4j).\n");
        sb.append("# TYPE istio_dns_malformed_requests counter\n");
        sb.append("istio_dns_malformed_requests_total ").append(malformed.sum()).append('\n');
        return sb.toString();
    }

    private static void counter(StringBuilder sb, String name, String help, Map<List<String>, LongAdder> series) {
        sb.append("# HELP ").append(name).append(' ').append(help).append(".\n");
        sb.append("# TYPE ").append(name).append(" counter\n");
        for (var e : sorted(series)) {
            sb.append(name)
                    .append("_total{")
                    .append(labels(e.getKey()))
                    .append("} ")
                    .append(e.getValue().sum())
                    .append('\n');
        }
    }

    private static <V> List<Map.Entry<List<String>, V>> sorted(Map<List<String>, V> m) {
        List<Map.Entry<List<String>, V>> rows = new ArrayList<>(m.entrySet());
        rows.sort(Comparator.comparing(e -> String.join("\u0000", e.getKey())));
        return rows;
    }

    private static String labels(List<String> values) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            sb.append(LABEL_NAMES.get(i))
                    .append("=\"")
                    .append(TcpMetrics.escape(values.get(i)))
                    .append('"');
        }
        return sb.toString();
    }
}
