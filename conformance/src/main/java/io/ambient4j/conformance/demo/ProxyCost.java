package io.ambient4j.conformance.demo;

import java.util.List;
import java.util.Locale;

/**
 * Step 8's arithmetic (pure): per node, what this mesh's proxies cost (the measured resident memory of the
 * node's ztunnel) against what one sidecar per pod would cost for the same pods (pods × a per-sidecar figure).
 * The sidecar figure is the user's {@code SIDECAR_RSS_MB} or {@link #DEFAULT_SIDECAR_MB}, and its source is
 * printed with it. Megabytes are 10^6 bytes, as upstream's figure is quoted; {@code VmRSS} is in KiB.
 */
public final class ProxyCost {
    /** Upstream's figure for one sidecar (Envoy, 2 worker threads, 1000 HTTP rps with 1 KB payloads). */
    public static final double DEFAULT_SIDECAR_MB = 60;

    public static final String DEFAULT_SOURCE = "istio.io, Performance and Scalability (Istio 1.24): one sidecar proxy"
            + " with 2 worker threads at 1000 rps uses about 0.20 vCPU and 60 MB"
            + " (https://istio.io/latest/docs/ops/deployment/performance-and-scalability/)";

    private ProxyCost() {}

    /** The sidecar figure and where it comes from. */
    public record SidecarFigure(double megabytes, String source) {
        /** From {@code SIDECAR_RSS_MB} (null or blank: the documented default). */
        public static SidecarFigure of(String env) {
            if (env == null || env.isBlank()) {
                return new SidecarFigure(DEFAULT_SIDECAR_MB, DEFAULT_SOURCE);
            }
            double mb;
            try {
                mb = Double.parseDouble(env.strip());
            } catch (NumberFormatException e) {
                throw new DemoException(
                        DemoException.Reason.PREFLIGHT,
                        8,
                        "SIDECAR_RSS_MB='" + env + "' is not a number of megabytes (e.g. SIDECAR_RSS_MB=45)");
            }
            if (!(mb > 0) || Double.isInfinite(mb)) {
                throw new DemoException(
                        DemoException.Reason.PREFLIGHT, 8, "SIDECAR_RSS_MB must be a positive number, got " + env);
            }
            return new SidecarFigure(mb, "SIDECAR_RSS_MB=" + env.strip() + " (your figure)");
        }
    }

    /**
     * Megabytes (10^6 bytes, the unit of the sidecar figure) of a {@code VmRSS} reading, which the kernel gives in
     * KiB. Every proxy figure the demo prints goes through here, so ztunnel and waypoint are in the same unit.
     */
    public static double megabytes(long rssKb) {
        return rssKb * 1024.0 / 1_000_000;
    }

    /** One node: its ztunnel's resident set and how many of the app's pods run there. */
    public record Node(String name, long ztunnelRssKb, int pods) {
        public double ambientMb() {
            return megabytes(ztunnelRssKb);
        }
    }

    /** The comparison for a set of nodes. */
    public record Comparison(List<Node> nodes, SidecarFigure sidecar) {
        public Comparison {
            nodes = List.copyOf(nodes);
        }

        public double sidecarMb(Node n) {
            return n.pods() * sidecar.megabytes();
        }

        public double ambientTotalMb() {
            return nodes.stream().mapToDouble(Node::ambientMb).sum();
        }

        public double sidecarTotalMb() {
            return nodes.stream().mapToDouble(this::sidecarMb).sum();
        }

        public int totalPods() {
            return nodes.stream().mapToInt(Node::pods).sum();
        }

        /**
         * The fewest pods on a node at which its ztunnel, at the size measured, costs less than their sidecars
         * would: the smallest n with n × sidecar &gt; ztunnel.
         */
        public long breakEvenPods(Node n) {
            return (long) Math.floor(n.ambientMb() / sidecar.megabytes()) + 1;
        }

        /** The table and the reading of it. */
        public String render() {
            StringBuilder b = new StringBuilder();
            b.append(String.format(
                    Locale.ROOT,
                    "%-8s %5s  %-22s %s%n",
                    "node",
                    "pods",
                    "ambient: ztunnel RSS",
                    "sidecars: pods × " + fmt(sidecar.megabytes()) + " MB"));
            for (Node n : nodes) {
                b.append(String.format(
                        Locale.ROOT,
                        "%-8s %5d  %-22s %s%n",
                        n.name(),
                        n.pods(),
                        fmt(n.ambientMb()) + " MB",
                        fmt(sidecarMb(n)) + " MB"));
            }
            b.append(String.format(
                    Locale.ROOT,
                    "%-8s %5d  %-22s %s%n",
                    "total",
                    totalPods(),
                    fmt(ambientTotalMb()) + " MB",
                    fmt(sidecarTotalMb()) + " MB"));
            for (Node n : nodes) {
                b.append("at its measured size, ")
                        .append(n.name())
                        .append("'s ztunnel costs less than sidecars from ")
                        .append(breakEvenPods(n))
                        .append(" pods on the node\n");
            }
            return b.toString();
        }
    }

    static String fmt(double mb) {
        return String.format(Locale.ROOT, "%.1f", mb);
    }
}
