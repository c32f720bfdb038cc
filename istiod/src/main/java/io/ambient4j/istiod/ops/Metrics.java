package io.ambient4j.istiod.ops;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.DoubleSupplier;

/**
 * A small Prometheus registry that prints upstream istiod's metric names exactly.
 *
 * <p>Why our own: dashboards and alerts key on names such as {@code pilot_xds_pushes} and
 * {@code citadel_server_csr_count}, which upstream exports without a {@code _total} suffix; the usual Java
 * registries append one to counters. Counters and gauges are all istiod's control-plane metrics need.
 */
public final class Metrics {
    private final ConcurrentMap<String, Family> families = new ConcurrentHashMap<>();

    /** A monotonically increasing count, one series per label values. */
    public Counter counter(String name, String help, String... labelNames) {
        Family f = family(name, help, "counter", labelNames);
        return new Counter(f);
    }

    /** A value that goes up and down, one series per label values. */
    public Gauge gauge(String name, String help, String... labelNames) {
        Family f = family(name, help, "gauge", labelNames);
        return new Gauge(f);
    }

    /** A gauge computed when scraped (e.g. seconds until the root certificate expires). */
    public void derivedGauge(String name, String help, DoubleSupplier value) {
        Family f = family(name, help, "gauge");
        f.derived = value;
    }

    /** The current value of one series, for tests and readiness decisions; 0 when absent. */
    public double value(String name, String... labelValues) {
        Family f = families.get(name);
        if (f == null) {
            return 0;
        }
        if (f.derived != null) {
            return f.derived.getAsDouble();
        }
        Series s = f.series.get(List.of(labelValues));
        return s == null ? 0 : s.value();
    }

    /** The whole registry in the Prometheus text exposition format (version 0.0.4), sorted by name. */
    public String scrape() {
        StringBuilder out = new StringBuilder();
        for (Family f : new TreeMap<>(families).values()) {
            out.append("# HELP ").append(f.name).append(' ').append(f.help).append('\n');
            out.append("# TYPE ").append(f.name).append(' ').append(f.type).append('\n');
            if (f.derived != null) {
                out.append(f.name)
                        .append(' ')
                        .append(format(f.derived.getAsDouble()))
                        .append('\n');
                continue;
            }
            Map<String, Series> sorted = new TreeMap<>();
            f.series.forEach((labels, s) -> sorted.put(labelText(f.labelNames, labels), s));
            sorted.forEach((labels, s) -> out.append(f.name)
                    .append(labels)
                    .append(' ')
                    .append(format(s.value()))
                    .append('\n'));
        }
        return out.toString();
    }

    private Family family(String name, String help, String type, String... labelNames) {
        Family f = families.computeIfAbsent(name, n -> new Family(n, help, type, List.of(labelNames)));
        if (!f.type.equals(type) || !f.labelNames.equals(List.of(labelNames))) {
            throw new IllegalArgumentException("metric " + name + " already registered as " + f.type + f.labelNames);
        }
        return f;
    }

    private static String labelText(List<String> names, List<String> values) {
        if (names.isEmpty()) {
            return "";
        }
        StringBuilder b = new StringBuilder("{");
        for (int i = 0; i < names.size(); i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(names.get(i)).append("=\"").append(escape(values.get(i))).append('"');
        }
        return b.append('}').toString();
    }

    private static String escape(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String format(double v) {
        if (v == Math.rint(v) && !Double.isInfinite(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return Double.toString(v);
    }

    private static final class Family {
        final String name;
        final String help;
        final String type;
        final List<String> labelNames;
        final ConcurrentMap<List<String>, Series> series = new ConcurrentHashMap<>();
        volatile DoubleSupplier derived;

        Family(String name, String help, String type, List<String> labelNames) {
            this.name = name;
            this.help = help;
            this.type = type;
            this.labelNames = labelNames;
        }

        Series series(String... values) {
            if (values.length != labelNames.size()) {
                throw new IllegalArgumentException(
                        name + " takes labels " + labelNames + ", got " + values.length + " values");
            }
            return series.computeIfAbsent(List.of(values), k -> new Series());
        }
    }

    private static final class Series {
        final LongAdder count = new LongAdder();
        final AtomicLong gaugeBits = new AtomicLong(Double.doubleToLongBits(0));

        double value() {
            return count.sum() + Double.longBitsToDouble(gaugeBits.get());
        }
    }

    /** Handle to a counter family. */
    public static final class Counter {
        private final Family family;

        private Counter(Family family) {
            this.family = family;
        }

        public void inc(String... labelValues) {
            family.series(labelValues).count.increment();
        }

        public void add(long n, String... labelValues) {
            family.series(labelValues).count.add(n);
        }
    }

    /** Handle to a gauge family. */
    public static final class Gauge {
        private final Family family;

        private Gauge(Family family) {
            this.family = family;
        }

        public void set(double value, String... labelValues) {
            family.series(labelValues).gaugeBits.set(Double.doubleToLongBits(value));
        }

        public void add(double delta, String... labelValues) {
            AtomicLong bits = family.series(labelValues).gaugeBits;
            bits.updateAndGet(b -> Double.doubleToLongBits(Double.longBitsToDouble(b) + delta));
        }
    }
}
