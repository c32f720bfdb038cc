package io.ambient4j.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The tunnel benchmark's figures as a Markdown section: per-path throughput and latency, the ratios the issue sets
 * targets for (with a verdict each), per-process RSS, and the machine facts a reader needs to judge them.
 */
record TunnelReport(
        Facts facts,
        List<TunnelPath> paths,
        Map<String, double[]> mbs,
        Map<String, Histogram> latency,
        Map<String, double[]> roundP99,
        Map<String, long[]> cpu,
        List<Memory> memory,
        Duration bulk,
        Duration latencyRun,
        int rate,
        int connections,
        int rounds,
        int idleConnections) {

    static final String HEADING = "## ztunnel data path";

    /** Targets from issue 3. */
    static final double THROUGHPUT_VS_STUNNEL = 1.2;

    static final double ADDED_P99_VS_STUNNEL = 1.0;
    static final double RSS_IDLE_MB = 64;
    static final double RSS_PER_1000_MB = 40;

    /**
     * RSS of one proxy process in KiB: right after start and with the open connections on the fresh process; idle
     * after the load phases and with the open connections then.
     */
    record Memory(
            String path,
            String role,
            long startKb,
            long freshBusyKb,
            long idleKb,
            long busyKb,
            long idleThreads,
            long busyThreads) {
        double freshPerThousandMb(int connections) {
            return (freshBusyKb - startKb) / 1024.0 * 1000.0 / connections;
        }

        double perThousandMb(int connections) {
            return (busyKb - idleKb) / 1024.0 * 1000.0 / connections;
        }
    }

    /** Where and when the run happened. */
    record Facts(Instant start, Instant end, int cores, String cpu, String loadStart, String loadEnd, String jvm) {
        static Facts now() {
            return new Facts(
                    Instant.now(),
                    null,
                    Runtime.getRuntime().availableProcessors(),
                    cpuModel(),
                    loadAverage(),
                    null,
                    System.getProperty("java.vm.vendor") + " " + System.getProperty("java.runtime.version"));
        }

        Facts withEnd() {
            return new Facts(start, Instant.now(), cores, cpu, loadStart, loadAverage(), jvm);
        }
    }

    String markdown() {
        StringBuilder sb = new StringBuilder();
        sb.append(HEADING).append(" (`make bench-ztunnel`, main class `io.ambient4j.bench.TunnelBench`)\n\n");
        sb.append(String.format(
                Locale.ROOT,
                "Run %s → %s UTC on %d cores (%s), load average (1/5/15 min) %s at start and %s at the end"
                        + " (the machine is shared with other builds); %s.%n%n",
                facts.start.truncatedTo(ChronoUnit.SECONDS),
                facts.end.truncatedTo(ChronoUnit.SECONDS).toString().substring(11),
                facts.cores,
                facts.cpu,
                facts.loadStart,
                facts.loadEnd,
                facts.jvm));
        sb.append("Paths, all ending in the same sink on loopback:\n\n");
        for (TunnelPath p : paths) {
            sb.append("- *")
                    .append(p.name())
                    .append("*: ")
                    .append(p.description())
                    .append('\n');
        }
        sb.append(String.format(
                Locale.ROOT,
                "%nThroughput: one connection, 64 KiB writes for %d s, until the sink confirms the byte count; median"
                        + " of %d rounds. Latency: %d-byte request, echoed response, %d connections, %d requests/s in"
                        + " total on a fixed schedule for %d s per round, HdrHistogram over all %d rounds,"
                        + " coordinated-omission corrected (a request held up by a late response counts from its"
                        + " scheduled time). *Added* = path minus direct. Path order rotates each round.%n%n",
                bulk.toSeconds(),
                rounds,
                LoadGen.MESSAGE,
                connections,
                rate,
                latencyRun.toSeconds(),
                rounds));
        sb.append("| path | MB/s (rounds) | p50 µs | p99 µs | p99.9 µs | added p50 µs | added p99 µs |\n");
        sb.append("|---|---|---|---|---|---|---|\n");
        for (TunnelPath p : paths) {
            String n = p.name();
            sb.append(String.format(
                    Locale.ROOT,
                    "| %s | %.0f (%s) | %.0f | %.0f | %.0f | %s | %s |%n",
                    n,
                    tput(n),
                    joined(mbs.get(n)),
                    pct(n, 50),
                    pct(n, 99),
                    pct(n, 99.9),
                    n.equals("direct") ? "–" : fmt(added(n, 50)),
                    n.equals("direct") ? "–" : fmt(added(n, 99))));
        }
        sb.append("\np99 per round, µs: ");
        sb.append(String.join(
                "; ",
                paths.stream()
                        .map(p -> p.name() + " " + joined(roundP99.get(p.name())))
                        .toList()));
        sb.append(String.format(
                Locale.ROOT,
                " (medians: direct %.0f, stunnel %.0f, ztunnel %.0f; added: stunnel %.0f, ztunnel %.0f)",
                median(roundP99.get("direct")),
                median(roundP99.get("stunnel")),
                median(roundP99.get("ztunnel")),
                addedRoundP99("stunnel"),
                addedRoundP99("ztunnel")));
        sb.append("\n\nCPU of the proxy processes (both of a pair, user + system from /proc/<pid>/stat), which does not"
                + " depend on how much of the machine the run got:\n\n");
        sb.append("| path | proxy CPU s per GB (bulk) | proxy CPU µs per 1 KiB request/response |\n|---|---|---|\n");
        for (TunnelPath p : paths) {
            if (p.processes().isEmpty()) {
                continue;
            }
            sb.append(String.format(
                    Locale.ROOT, "| %s | %.2f | %.0f |%n", p.name(), cpuPerGb(p.name()), cpuPerReq(p.name())));
        }
        sb.append("\n| ratio | measured | target | verdict |\n|---|---|---|---|\n");
        double tz = tput("ztunnel") / tput("stunnel");
        double p99z = addedRoundP99("ztunnel") / addedRoundP99("stunnel");
        row(sb, "throughput ztunnel / stunnel", tz, "≥ " + THROUGHPUT_VS_STUNNEL, tz >= THROUGHPUT_VS_STUNNEL);
        row(sb, "throughput ztunnel / direct", tput("ztunnel") / tput("direct"), "", null);
        row(sb, "throughput stunnel / direct", tput("stunnel") / tput("direct"), "", null);
        row(sb, "added p50 ztunnel / stunnel", added("ztunnel", 50) / added("stunnel", 50), "", null);
        if (addedRoundP99("stunnel") > 0 && addedRoundP99("ztunnel") > 0) {
            row(
                    sb,
                    "added p99 ztunnel / stunnel (median of the rounds' p99)",
                    p99z,
                    "≤ " + ADDED_P99_VS_STUNNEL,
                    p99z <= ADDED_P99_VS_STUNNEL);
        } else {
            // A proxy path "faster" than direct at p99 means the tails are the machine's, not the proxies'.
            sb.append("| added p99 ztunnel / stunnel (median of the rounds' p99) | n/a: an added p99 ≤ 0 | ≤ ")
                    .append(ADDED_P99_VS_STUNNEL)
                    .append(" | not measurable in this run |\n");
        }
        row(
                sb,
                "added p99 ztunnel / stunnel (all rounds in one histogram)",
                added("ztunnel", 99) / added("stunnel", 99),
                "",
                null);
        row(sb, "proxy CPU per GB ztunnel / stunnel", cpuPerGb("ztunnel") / cpuPerGb("stunnel"), "", null);
        row(sb, "proxy CPU per request ztunnel / stunnel", cpuPerReq("ztunnel") / cpuPerReq("stunnel"), "", null);
        row(sb, "p50 ztunnel / direct", pct("ztunnel", 50) / pct("direct", 50), "", null);
        row(sb, "p99 ztunnel / direct", pct("ztunnel", 99) / pct("direct", 99), "", null);
        sb.append(String.format(
                Locale.ROOT,
                "%n| process | RSS at start MB | with %,d connections MB | per 1,000 MB | RSS idle after the runs MB |"
                        + " with %,d connections MB | per 1,000 MB | threads idle → busy | target |%n",
                idleConnections,
                idleConnections));
        sb.append("|---|---|---|---|---|---|---|---|---|\n");
        for (Memory m : memory) {
            boolean z = m.path.equals("ztunnel");
            double idleMb = Math.max(m.startKb, m.idleKb) / 1024.0;
            double per = Math.max(m.freshPerThousandMb(idleConnections), m.perThousandMb(idleConnections));
            String verdict = !z
                    ? ""
                    : String.format(
                            Locale.ROOT,
                            "idle ≤ %.0f: %s; per 1,000 ≤ %.0f: %s",
                            RSS_IDLE_MB,
                            idleMb <= RSS_IDLE_MB ? "met" : "MISSED",
                            RSS_PER_1000_MB,
                            per <= RSS_PER_1000_MB ? "met" : "MISSED");
            sb.append(String.format(
                    Locale.ROOT,
                    "| %s %s | %.1f | %.1f | %.1f | %.1f | %.1f | %.1f | %d → %d | %s |%n",
                    m.path,
                    m.role,
                    m.startKb / 1024.0,
                    m.freshBusyKb / 1024.0,
                    m.freshPerThousandMb(idleConnections),
                    m.idleKb / 1024.0,
                    m.busyKb / 1024.0,
                    m.perThousandMb(idleConnections),
                    m.idleThreads,
                    m.busyThreads,
                    verdict));
        }
        sb.append("\nMB here = MiB of VmRSS from /proc/<pid>/status. Each target is checked against the larger of"
                + " its two figures (fresh process, and after the runs have grown the heap). Both idle figures are"
                + " read after " + TunnelBench.SETTLE.toSeconds() + " s without traffic (the fresh one "
                + TunnelBench.SETTLE.toSeconds() + " s after READY).\n");
        return sb.toString();
    }

    private static void row(StringBuilder sb, String what, double v, String target, Boolean met) {
        sb.append(String.format(
                Locale.ROOT, "| %s | %.2f | %s | %s |%n", what, v, target, met == null ? "" : met ? "met" : "MISSED"));
    }

    double tput(String path) {
        return median(mbs.get(path));
    }

    /**
     * Median over rounds of the path's p99 minus the same for direct: one round hit by a scheduling stall on the
     * shared machine moves this less than the p99 of all rounds pooled.
     */
    double addedRoundP99(String path) {
        return median(roundP99.get(path)) - median(roundP99.get("direct"));
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    double cpuPerGb(String path) {
        long[] c = cpu.get(path);
        return c[0] / 1000.0 / (c[2] / 1e9);
    }

    double cpuPerReq(String path) {
        long[] c = cpu.get(path);
        return c[1] * 1000.0 / c[3];
    }

    double pct(String path, double percentile) {
        return latency.get(path).getValueAtPercentile(percentile) / 1000.0;
    }

    double added(String path, double percentile) {
        return pct(path, percentile) - pct("direct", percentile);
    }

    private static String fmt(double v) {
        return String.format(Locale.ROOT, "%.0f", v);
    }

    private static String joined(double[] v) {
        return String.join(
                ", ",
                Arrays.stream(v)
                        .mapToObj(x -> String.format(Locale.ROOT, "%.0f", x))
                        .toList());
    }

    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).split(" ");
            return f[0] + " / " + f[1] + " / " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    static String cpuModel() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo")).stream()
                    .filter(l -> l.startsWith("model name"))
                    .map(l -> l.substring(l.indexOf(':') + 1).strip())
                    .findFirst()
                    .orElse("unknown CPU");
        } catch (IOException e) {
            return "unknown CPU";
        }
    }

    /** Replaces this benchmark's section of {@code results} in place (or appends it), keeping the other sections. */
    static void replaceSection(Path results, String section) throws IOException {
        String text = Files.exists(results) ? Files.readString(results) : "# Benchmark results\n";
        int start = text.indexOf(HEADING);
        if (start >= 0) {
            int end = text.indexOf("\n## ", start + 1);
            String after = end < 0 ? "" : "\n" + text.substring(end + 1);
            Files.writeString(results, text.substring(0, start) + section + after);
            return;
        }
        if (!text.endsWith("\n")) {
            text += "\n";
        }
        Files.writeString(results, text + "\n" + section);
    }
}
