package io.ambient4j.bench;

import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.common.tls.CertifiedKey;
import io.ambient4j.common.tls.Csr;
import io.ambient4j.common.tls.MeshCa;
import java.io.BufferedReader;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * ztunnel's data path against its peers on one loopback path (issue 3 targets): a ztunnel pair (one JVM serving the
 * client pod 127.0.1.1 and the server pod 127.0.2.1, HBONE between them) against a direct TCP connection and
 * against a stunnel4 mutual-TLS pair, all ending in the same sink. Measures single-connection throughput, the
 * latency added at a fixed request rate (1 KiB requests, 4 connections, p50/p99), and the pair's RSS idle and with
 * 1,000 open tunnelled connections. Figures go to {@code bench/RESULTS.md} as ratios.
 */
public final class ZtunnelBench {
    static final long BULK_BYTES = Long.getLong("bench.bulkBytes", 256L << 20);
    static final int ROUNDS = Integer.getInteger("bench.rounds", 3);
    static final int RATE_PER_CONNECTION = Integer.getInteger("bench.rate", 250);
    static final Duration LATENCY_RUN = Duration.ofSeconds(Long.getLong("bench.latencySeconds", 8));
    static final int IDLE_CONNECTIONS = 1000;

    private ZtunnelBench() {}

    record Path3(String name, InetSocketAddress address, InetAddress bindFrom) {}

    record Latency(double p50, double p99) {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("ztunnel-bench");
        InetAddress serverIp = InetAddress.getByName("127.0.2.1");
        InetAddress clientIp = InetAddress.getByName("127.0.1.1");
        try (Sink sink = new Sink(new InetSocketAddress(serverIp, 0))) {
            Process pair = startPair(sink.address());
            long pairPid = readyPid(pair);
            Thread.sleep(2000);
            long idleRss = rssKb(pairPid);
            StunnelPair stunnel = StunnelPair.start(dir, sink.address());
            try {
                List<Path3> paths = List.of(
                        new Path3("direct", sink.address(), clientIp),
                        new Path3("ztunnel", new InetSocketAddress(clientIp, 15001), clientIp),
                        new Path3("stunnel", stunnel.entry(), InetAddress.getLoopbackAddress()));
                // Warm-up (JIT, pools, certificates), discarded.
                for (Path3 p : paths) {
                    throughput(p, 64L << 20);
                    latency(p, Duration.ofSeconds(2));
                }
                double[][] mibs = new double[paths.size()][ROUNDS];
                Latency[][] lat = new Latency[paths.size()][ROUNDS];
                for (int r = 0; r < ROUNDS; r++) {
                    for (int i = 0; i < paths.size(); i++) {
                        int k = (i + r) % paths.size(); // rotate the order each round
                        mibs[k][r] = throughput(paths.get(k), BULK_BYTES);
                        lat[k][r] = latency(paths.get(k), LATENCY_RUN);
                    }
                }
                long busyRss = rssWithOpenConnections(pairPid, paths.get(1));
                long stunnelIdle = rssKb(stunnel.clientPid()) + rssKb(stunnel.serverPid());
                long stunnelBusy = rssWithOpenConnectionsStunnel(stunnel, paths.get(2));
                String report = report(paths, mibs, lat, idleRss, busyRss, stunnelIdle, stunnelBusy);
                System.out.println(report);
                writeResults(report);
            } finally {
                stunnel.close();
                pair.getOutputStream().close();
                pair.destroy();
            }
        }
    }

    static Process startPair(InetSocketAddress sink) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC",
                "-Xms16m",
                "-Xmx256m",
                "-XX:MinHeapFreeRatio=10",
                "-XX:MaxHeapFreeRatio=30",
                "-Xss512k",
                "-XX:ReservedCodeCacheSize=48m",
                "-XX:MaxMetaspaceSize=96m",
                "-XX:CICompilerCount=2",
                "--enable-native-access=ALL-UNNAMED",
                "--add-opens",
                "java.base/sun.nio.ch=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                ZtunnelPairMain.class.getName(),
                sink.getAddress().getHostAddress(),
                String.valueOf(sink.getPort())));
        return new ProcessBuilder(cmd)
                .redirectError(ProcessBuilder.Redirect.INHERIT)
                .start();
    }

    static long readyPid(Process p) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while ((line = r.readLine()) != null) {
            if (line.startsWith("READY ")) {
                return Long.parseLong(line.substring(6).strip());
            }
        }
        throw new IOException("ztunnel pair exited before READY");
    }

    /** MiB/s for one connection carrying {@code bytes} into the sink, until the sink confirms the count. */
    static double throughput(Path3 p, long bytes) throws IOException {
        try (Socket s = connect(p)) {
            OutputStream out = s.getOutputStream();
            byte[] chunk = new byte[64 * 1024];
            Arrays.fill(chunk, (byte) 'x');
            long t0 = System.nanoTime();
            out.write('B');
            long left = bytes;
            while (left > 0) {
                int n = (int) Math.min(chunk.length, left);
                out.write(chunk, 0, n);
                left -= n;
            }
            s.shutdownOutput();
            long got = new DataInputStream(s.getInputStream()).readLong();
            long took = System.nanoTime() - t0;
            if (got != bytes) {
                throw new IOException(p.name + ": sink counted " + got + " of " + bytes);
            }
            return bytes / 1048576.0 / (took / 1e9);
        }
    }

    /** 1 KiB request/response on 4 connections, each at a fixed rate; round-trip percentiles in µs. */
    static Latency latency(Path3 p, Duration run) throws Exception {
        int conns = 4;
        List<long[]> samples = new ArrayList<>();
        List<Thread> threads = new ArrayList<>();
        long intervalNanos = 1_000_000_000L / RATE_PER_CONNECTION;
        int count = (int) (run.toNanos() / intervalNanos);
        List<Exception> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
        for (int c = 0; c < conns; c++) {
            long[] rtt = new long[count];
            samples.add(rtt);
            threads.add(Thread.ofPlatform().start(() -> {
                try (Socket s = connect(p)) {
                    OutputStream out = s.getOutputStream();
                    DataInputStream in = new DataInputStream(s.getInputStream());
                    out.write('P');
                    byte[] req = new byte[1024];
                    byte[] resp = new byte[1024];
                    long next = System.nanoTime();
                    for (int i = 0; i < count; i++) {
                        long now;
                        while ((now = System.nanoTime()) < next) {
                            java.util.concurrent.locks.LockSupport.parkNanos(next - now);
                        }
                        long t0 = System.nanoTime();
                        out.write(req);
                        in.readFully(resp);
                        rtt[i] = System.nanoTime() - t0;
                        next += intervalNanos;
                    }
                } catch (Exception e) {
                    errors.add(e);
                }
            }));
        }
        for (Thread t : threads) {
            t.join();
        }
        if (!errors.isEmpty()) {
            throw errors.getFirst();
        }
        long[] all = samples.stream().flatMapToLong(Arrays::stream).sorted().toArray();
        return new Latency(all[all.length / 2] / 1000.0, all[(int) (all.length * 0.99)] / 1000.0);
    }

    static long rssWithOpenConnections(long pid, Path3 p) throws Exception {
        List<Socket> open = openIdle(p);
        try {
            Thread.sleep(2000);
            return rssKb(pid);
        } finally {
            closeAll(open);
        }
    }

    static long rssWithOpenConnectionsStunnel(StunnelPair st, Path3 p) throws Exception {
        List<Socket> open = openIdle(p);
        try {
            Thread.sleep(2000);
            return rssKb(st.clientPid()) + rssKb(st.serverPid());
        } finally {
            closeAll(open);
        }
    }

    /** 1,000 connections through the path, each proven established by one echoed byte, then left idle. */
    static List<Socket> openIdle(Path3 p) throws IOException {
        List<Socket> open = new ArrayList<>();
        for (int i = 0; i < IDLE_CONNECTIONS; i++) {
            Socket s = connect(p);
            open.add(s);
            s.getOutputStream().write(new byte[] {'P', 1});
            if (s.getInputStream().read() != 1) {
                throw new IOException("idle connection " + i + " did not echo");
            }
        }
        return open;
    }

    static void closeAll(List<Socket> open) {
        for (Socket s : open) {
            try {
                s.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
    }

    static Socket connect(Path3 p) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(p.bindFrom, 0));
        s.connect(p.address, 5000);
        s.setTcpNoDelay(true);
        s.setSoTimeout(30_000);
        return s;
    }

    static long rssKb(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        throw new IOException("no VmRSS for " + pid);
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    static String report(
            List<Path3> paths,
            double[][] mibs,
            Latency[][] lat,
            long idleKb,
            long busyKb,
            long stunnelIdleKb,
            long stunnelBusyKb) {
        double[] tput = new double[paths.size()];
        double[] p50 = new double[paths.size()];
        double[] p99 = new double[paths.size()];
        for (int i = 0; i < paths.size(); i++) {
            tput[i] = median(mibs[i]);
            int k = i;
            p50[i] = median(Arrays.stream(lat[k]).mapToDouble(Latency::p50).toArray());
            p99[i] = median(Arrays.stream(lat[k]).mapToDouble(Latency::p99).toArray());
        }
        double addZ50 = p50[1] - p50[0];
        double addZ99 = p99[1] - p99[0];
        double addS50 = p50[2] - p50[0];
        double addS99 = p99[2] - p99[0];
        StringBuilder sb = new StringBuilder();
        sb.append("## ztunnel data path (`make bench-ztunnel`, main class `io.ambient4j.bench.ZtunnelBench`)\n\n");
        sb.append("Run on ")
                .append(Instant.now().truncatedTo(java.time.temporal.ChronoUnit.MINUTES))
                .append(", Temurin 25, 2 cores shared with other builds (load average ")
                .append(loadAverage())
                .append("). Paths end in the same sink on 127.0.2.1: *direct* TCP; *ztunnel*: 127.0.1.1:15001 → "
                        + "HBONE/mTLS → 127.0.2.1:15008 (one JVM serving both pods, `-XX:+UseSerialGC -Xmx256m`, `MALLOC_ARENA_MAX=2`); "
                        + "*stunnel*: stunnel4 client → TLS 1.3 mutual → stunnel4 server. Throughput: ")
                .append(BULK_BYTES >> 20)
                .append(" MiB on one connection, median of ")
                .append(ROUNDS)
                .append(" rounds (order rotated). Latency: 1 KiB request/echo, 4 connections × ")
                .append(RATE_PER_CONNECTION)
                .append(" req/s for ")
                .append(LATENCY_RUN.toSeconds())
                .append(" s, median over rounds of p50/p99; *added* = path minus direct.\n\n");
        sb.append("| path | MiB/s | p50 µs | p99 µs | added p50 µs | added p99 µs |\n");
        sb.append("|---|---|---|---|---|---|\n");
        for (int i = 0; i < paths.size(); i++) {
            sb.append(String.format(
                    Locale.ROOT,
                    "| %s | %.0f | %.0f | %.0f | %s | %s |%n",
                    paths.get(i).name,
                    tput[i],
                    p50[i],
                    p99[i],
                    i == 0 ? "–" : String.format(Locale.ROOT, "%.0f", p50[i] - p50[0]),
                    i == 0 ? "–" : String.format(Locale.ROOT, "%.0f", p99[i] - p99[0])));
        }
        double perThousandMb = (busyKb - idleKb) / 1024.0;
        double stunnelPerThousandMb = (stunnelBusyKb - stunnelIdleKb) / 1024.0;
        sb.append("\n| ratio | measured | target |\n|---|---|---|\n");
        sb.append(String.format(Locale.ROOT, "| throughput ztunnel / stunnel | %.2f | ≥ 1.2 |%n", tput[1] / tput[2]));
        sb.append(String.format(Locale.ROOT, "| throughput ztunnel / direct | %.2f | |%n", tput[1] / tput[0]));
        sb.append(String.format(Locale.ROOT, "| added p50 ztunnel / stunnel | %.2f | |%n", addZ50 / addS50));
        sb.append(String.format(Locale.ROOT, "| added p99 ztunnel / stunnel | %.2f | ≤ 1.0 |%n", addZ99 / addS99));
        sb.append(
                String.format(Locale.ROOT, "| RSS idle (both pods, one JVM) | %.1f MB | ≤ 64 MB |%n", idleKb / 1024.0));
        sb.append(String.format(
                Locale.ROOT, "| RSS per 1,000 open tunnelled connections | %.1f MB | ≤ 40 MB |%n", perThousandMb));
        sb.append(String.format(
                Locale.ROOT,
                "| stunnel pair RSS idle / per 1,000 connections | %.1f MB / %.1f MB | |%n",
                stunnelIdleKb / 1024.0,
                stunnelPerThousandMb));
        return sb.toString();
    }

    static String loadAverage() {
        try {
            return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
        } catch (IOException e) {
            return "?";
        }
    }

    /** Replaces (or appends) the ztunnel section of RESULTS.md, keeping the other benchmarks' sections. */
    static void writeResults(String section) throws IOException {
        Path results = Path.of(System.getProperty("bench.results", "RESULTS.md"));
        String text = Files.exists(results) ? Files.readString(results) : "# Benchmark results\n";
        int start = text.indexOf("## ztunnel data path");
        if (start >= 0) {
            int end = text.indexOf("\n## ", start + 1);
            text = text.substring(0, start) + (end < 0 ? "" : text.substring(end + 1));
        }
        if (!text.endsWith("\n")) {
            text += "\n";
        }
        Files.writeString(results, text + "\n" + section);
    }

    /** Two stunnel4 processes with mesh certificates: client accepts plain TCP, server requires the client cert. */
    record StunnelPair(Process client, Process server, InetSocketAddress entry) implements AutoCloseable {
        static StunnelPair start(Path dir, InetSocketAddress sink) throws Exception {
            MeshCa ca = MeshCa.generateSelfSigned(SpiffeId.DEFAULT_TRUST_DOMAIN, Duration.ofDays(1));
            Path caFile = Files.writeString(dir.resolve("ca.pem"), ca.rootPem());
            int entryPort = freePort();
            int tlsPort = freePort();
            Process server = stunnel(
                    dir,
                    "server",
                    ca,
                    caFile,
                    String.join(
                            "\n",
                            "accept = 127.0.0.1:" + tlsPort,
                            "connect = " + sink.getAddress().getHostAddress() + ":" + sink.getPort(),
                            "requireCert = yes"));
            Process client = stunnel(
                    dir,
                    "client",
                    ca,
                    caFile,
                    String.join(
                            "\n", "client = yes", "accept = 127.0.0.1:" + entryPort, "connect = 127.0.0.1:" + tlsPort));
            InetSocketAddress entry = new InetSocketAddress(InetAddress.getLoopbackAddress(), entryPort);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (true) {
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), tlsPort), 1000);
                    s.close();
                    try (Socket e = new Socket()) {
                        e.connect(entry, 1000);
                    }
                    break;
                } catch (IOException e) {
                    if (System.nanoTime() > deadline) {
                        throw new IOException("stunnel did not start", e);
                    }
                    Thread.sleep(100);
                }
            }
            return new StunnelPair(client, server, entry);
        }

        static Process stunnel(Path dir, String name, MeshCa ca, Path caFile, String service) throws IOException {
            Csr.KeyAndCsr kc = Csr.create(SpiffeId.of("", "bench", name));
            CertifiedKey key = new CertifiedKey(
                    kc.key(),
                    ca.chainFor(ca.signCsr(kc.csrPem(), SpiffeId.of("", "bench", name), Duration.ofHours(1))));
            Path cert = Files.writeString(dir.resolve(name + "-cert.pem"), key.chainPem());
            Path pkey = Files.writeString(dir.resolve(name + "-key.pem"), key.keyPem());
            Path conf = Files.writeString(
                    dir.resolve(name + ".conf"),
                    String.join(
                            "\n",
                            "foreground = yes",
                            "pid =",
                            "debug = 3",
                            "socket = l:TCP_NODELAY=1",
                            "socket = r:TCP_NODELAY=1",
                            "[" + name + "]",
                            "cert = " + cert,
                            "key = " + pkey,
                            "CAfile = " + caFile,
                            "verifyChain = yes",
                            "sslVersionMin = TLSv1.3",
                            service,
                            ""));
            return new ProcessBuilder("stunnel4", conf.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
        }

        static int freePort() throws IOException {
            try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            }
        }

        long clientPid() {
            return client.pid();
        }

        long serverPid() {
            return server.pid();
        }

        @Override
        public void close() {
            client.destroy();
            server.destroy();
        }
    }
}
