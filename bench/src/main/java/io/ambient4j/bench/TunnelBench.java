package io.ambient4j.bench;

import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.common.tls.MeshCa;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The ztunnel data-path benchmark of issue 3, in one run on one loopback path: a direct TCP connection, a stunnel4
 * mutual-TLS pair and a ztunnel pair (two JVMs) all end in the same {@link Sink}. Measures single-connection
 * throughput, the latency each proxy pair adds to a 1 KiB request/response at a fixed rate over 4 connections
 * (HdrHistogram, coordinated-omission aware), and each proxy process's RSS idle and with 1,000 open tunnelled
 * connections; prints the ratios against the targets and writes them to {@code bench/RESULTS.md}.
 *
 * <p>System properties: {@code bench.bulkSeconds} (3), {@code bench.latencySeconds} (8), {@code bench.rate} (total
 * requests/s, 1000), {@code bench.rounds} (3), {@code bench.idleConnections} (1000), {@code bench.ztunnelJvm} (the
 * ztunnels' JVM flags), {@code bench.maxSeconds} (watchdog, 420), {@code bench.settleSeconds} (idle time before an idle RSS reading, 5), {@code bench.results} (RESULTS.md; empty = do not
 * write).
 */
public final class TunnelBench {
    static final Duration BULK = Duration.ofSeconds(Long.getLong("bench.bulkSeconds", 3));
    static final Duration LATENCY = Duration.ofSeconds(Long.getLong("bench.latencySeconds", 8));
    static final int RATE = Integer.getInteger("bench.rate", 1000);
    static final int CONNECTIONS = 4;
    static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
    static final int IDLE_CONNECTIONS = Integer.getInteger("bench.idleConnections", 1000);
    static final long MAX_SECONDS = Long.getLong("bench.maxSeconds", 420);
    /**
     * How long a proxy is left without traffic before its idle RSS is read, fresh (after READY) and after the runs: an
     * idle node is one that has been idle for a while, and ztunnel gives its heap back after 3 s without connections.
     */
    static final Duration SETTLE = Duration.ofSeconds(Long.getLong("bench.settleSeconds", 5));

    private TunnelBench() {}

    public static void main(String[] args) throws Exception {
        TunnelReport.Facts facts = TunnelReport.Facts.now();
        Path dir = Files.createTempDirectory("tunnel-bench");
        List<AutoCloseable> open = new ArrayList<>();
        Thread cleanup = new Thread(() -> closeAll(open));
        Runtime.getRuntime().addShutdownHook(cleanup);
        Thread.ofPlatform().daemon().name("watchdog").start(() -> {
            try {
                Thread.sleep(Duration.ofSeconds(MAX_SECONDS));
                System.err.println("tunnel bench: over " + MAX_SECONDS + " s, stopping");
                System.exit(2);
            } catch (InterruptedException e) {
                // main finished
            }
        });
        InetAddress clientIp = InetAddress.getByName(System.getProperty("bench.clientIp", "127.0.77.1"));
        InetAddress serverIp = InetAddress.getByName(System.getProperty("bench.serverIp", "127.0.77.2"));
        Sink sink = new Sink(new InetSocketAddress(serverIp, 0));
        open.add(sink);
        MeshCa ca = MeshCa.generateSelfSigned(SpiffeId.DEFAULT_TRUST_DOMAIN, Duration.ofDays(1));

        System.out.println("tunnel bench: starting proxies (work dir " + dir + ")");
        ZtunnelPair ztunnel = ZtunnelPair.start(dir, ca, clientIp, serverIp, sink.address(), ZtunnelPair.jvmFlags());
        long ztunnelReady = System.nanoTime();
        open.addFirst(ztunnel);
        StunnelPair stunnel = StunnelPair.start(dir, ca, sink.address());
        open.addFirst(stunnel);
        List<TunnelPath> paths = List.of(TunnelPath.direct(sink.address(), clientIp), stunnel, ztunnel);

        Thread.sleep(Math.max(1000, (SETTLE.toNanos() - (System.nanoTime() - ztunnelReady)) / 1_000_000));
        Map<String, Long> rssAtStart = new LinkedHashMap<>();
        for (TunnelPath p : paths) {
            for (TunnelPath.ProxyProcess proc : p.processes()) {
                rssAtStart.put(key(p, proc), Processes.rssKb(proc.pid()));
            }
        }
        // The connection cost on fresh proxies, before the bulk runs grow their heaps.
        System.out.println("tunnel bench: RSS with " + IDLE_CONNECTIONS + " open connections, fresh proxies");
        Map<String, Long> rssFreshBusy = new LinkedHashMap<>();
        for (TunnelPath p : paths) {
            if (p.processes().isEmpty()) {
                continue;
            }
            List<Socket> conns = LoadGen.openIdle(p, IDLE_CONNECTIONS);
            try {
                Thread.sleep(1000);
                for (TunnelPath.ProxyProcess proc : p.processes()) {
                    rssFreshBusy.put(key(p, proc), Processes.rssKb(proc.pid()));
                }
            } finally {
                LoadGen.closeAll(conns);
            }
        }

        System.out.println("tunnel bench: warm-up");
        for (TunnelPath p : paths) {
            int times = p == ztunnel ? 2 : 1; // the JIT needs the traffic; stunnel and the kernel do not
            for (int i = 0; i < times; i++) {
                LoadGen.throughput(p, BULK);
                LoadGen.latency(p, CONNECTIONS, RATE, Duration.ofSeconds(3));
            }
        }

        Map<String, double[]> mbs = new LinkedHashMap<>();
        Map<String, Histogram> latency = new LinkedHashMap<>();
        Map<String, double[]> roundP99 = new LinkedHashMap<>();
        Map<String, long[]> cpu = new LinkedHashMap<>(); // proxy CPU ms: bulk, latency; bytes; requests
        for (TunnelPath p : paths) {
            cpu.put(p.name(), new long[4]);
            mbs.put(p.name(), new double[ROUNDS]);
            latency.put(p.name(), new Histogram(60_000_000_000L, 3));
            roundP99.put(p.name(), new double[ROUNDS]);
        }
        for (int r = 0; r < ROUNDS; r++) {
            for (int i = 0; i < paths.size(); i++) {
                TunnelPath p = paths.get((i + r) % paths.size()); // rotate the order: load drifts over a run
                long[] c = cpu.get(p.name());
                long c0 = Processes.cpuMillis(p.processes());
                LoadGen.Bulk bulk = LoadGen.throughput(p, BULK);
                mbs.get(p.name())[r] = bulk.mbPerSecond();
                long c1 = Processes.cpuMillis(p.processes());
                Histogram h = LoadGen.latency(p, CONNECTIONS, RATE, LATENCY);
                c[0] += c1 - c0;
                c[1] += Processes.cpuMillis(p.processes()) - c1;
                c[2] += bulk.bytes();
                c[3] += h.getTotalCount();
                latency.get(p.name()).add(h);
                roundP99.get(p.name())[r] = h.getValueAtPercentile(99) / 1000.0;
                System.out.printf(
                        "tunnel bench: round %d %-8s %7.1f MB/s  p50 %6.0f µs  p99 %6.0f µs%n",
                        r + 1,
                        p.name(),
                        mbs.get(p.name())[r],
                        h.getValueAtPercentile(50) / 1000.0,
                        h.getValueAtPercentile(99) / 1000.0);
            }
        }

        System.out.println("tunnel bench: RSS with " + IDLE_CONNECTIONS + " open connections, after the runs");
        Thread.sleep(SETTLE);
        List<TunnelReport.Memory> memory = new ArrayList<>();
        for (TunnelPath p : paths) {
            if (p.processes().isEmpty()) {
                continue;
            }
            Map<String, long[]> idle = new LinkedHashMap<>();
            for (TunnelPath.ProxyProcess proc : p.processes()) {
                idle.put(proc.role(), new long[] {Processes.rssKb(proc.pid()), Processes.threads(proc.pid())});
            }
            List<Socket> conns = LoadGen.openIdle(p, IDLE_CONNECTIONS);
            try {
                Thread.sleep(1000);
                for (TunnelPath.ProxyProcess proc : p.processes()) {
                    long[] before = idle.get(proc.role());
                    memory.add(new TunnelReport.Memory(
                            p.name(),
                            proc.role(),
                            rssAtStart.get(key(p, proc)),
                            rssFreshBusy.get(key(p, proc)),
                            before[0],
                            Processes.rssKb(proc.pid()),
                            before[1],
                            Processes.threads(proc.pid())));
                }
            } finally {
                LoadGen.closeAll(conns);
            }
        }

        TunnelReport report = new TunnelReport(
                facts.withEnd(),
                paths,
                mbs,
                latency,
                roundP99,
                cpu,
                memory,
                BULK,
                LATENCY,
                RATE,
                CONNECTIONS,
                ROUNDS,
                IDLE_CONNECTIONS);
        String text = report.markdown();
        System.out.println();
        System.out.println(text);
        String results = System.getProperty("bench.results", "RESULTS.md");
        if (!results.isEmpty()) {
            TunnelReport.replaceSection(Path.of(results), text);
            System.out.println("tunnel bench: written to " + Path.of(results).toAbsolutePath());
        }
        Runtime.getRuntime().removeShutdownHook(cleanup);
        closeAll(open);
        deleteTree(dir); // kept when the run fails: the proxies' logs are there
        System.exit(0);
    }

    private static String key(TunnelPath p, TunnelPath.ProxyProcess proc) {
        return p.name() + "/" + proc.role();
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var files = Files.walk(dir)) {
            for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(f);
            }
        }
    }

    private static void closeAll(List<AutoCloseable> open) {
        for (AutoCloseable c : open) {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("tunnel bench: cleanup: " + e);
            }
        }
    }
}
