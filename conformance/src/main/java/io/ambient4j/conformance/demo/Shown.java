package io.ambient4j.conformance.demo;

import io.ambient4j.conformance.scenario.MetricText;
import io.ambient4j.conformance.scenario.Outcome;
import java.util.List;

/** How the story prints what it observed, and what it counts as a denial (pure). */
final class Shown {
    private Shown() {}

    /** The labels of ztunnel's connection metrics the story shows (the series carry about thirty). */
    static final List<String> METRIC_KEYS = List.of(
            "reporter",
            "source_workload",
            "source_principal",
            "destination_workload",
            "destination_principal",
            "connection_security_policy",
            "response_flags");

    static String describe(AccessLogLine e) {
        StringBuilder b = new StringBuilder(e.event());
        for (String k : List.of(
                "src.addr",
                "src.workload",
                "src.identity",
                "dst.addr",
                "dst.hbone_addr",
                "dst.service",
                "dst.identity",
                "direction",
                "bytes_sent",
                "bytes_recv",
                "error")) {
            if (e.fields().containsKey(k)) {
                b.append(k.equals("dst.addr") || k.equals("direction") || k.equals("error") ? "\n" : " ")
                        .append(k)
                        .append('=')
                        .append(e.field(k));
            }
        }
        return b.toString();
    }

    static boolean isDenied(Outcome r) {
        if (r.error() != null) {
            return r.error().equals("reset") || r.error().equals("eof");
        }
        return r.status() != null && (r.status() == 403 || r.status() == 503);
    }

    /** A sample as exposed, with the labels worth reading (pure). */
    static String describe(MetricText.Sample s, List<String> keys) {
        StringBuilder b = new StringBuilder(s.name()).append('{');
        String sep = "";
        for (String k : keys) {
            if (s.labels().containsKey(k)) {
                b.append(sep).append(k).append("=\"").append(s.labels().get(k)).append('"');
                sep = ",";
            }
        }
        return b.append("} ").append(fmt(s.value())).toString();
    }

    static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    static String indent(String text, String lead) {
        StringBuilder b = new StringBuilder();
        text.lines().forEach(l -> b.append(lead).append(l).append('\n'));
        return b.toString();
    }
}
