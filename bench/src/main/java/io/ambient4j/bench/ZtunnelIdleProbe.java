package io.ambient4j.bench;

import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.common.tls.MeshCa;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The idle RSS of a fresh ztunnel pair, measured as {@link TunnelBench} does (VmRSS of each process) but on its
 * own and after a settle time, so a JVM flag or a code change can be judged in seconds instead of a three-minute run:
 * starts the pair with {@link ZtunnelPair#jvmFlags()}, waits {@code probe.settleSeconds} (5) after READY, prints one
 * line per process ({@code role rssKb threads}), then holds the pair for {@code probe.holdSeconds} (0) for
 * inspection ({@code jcmd <pid> VM.native_memory}, {@code pmap}), with {@code probe.traffic=true} sends some bulk,
 * request/response and idle-connection traffic through it (a training run) and prints the RSS again after the
 * settle time, and stops it by closing the nodes'
 * stdin (a clean exit, waiting up to {@code probe.exitSeconds}, so an exit-time archive dump can finish).
 */
public final class ZtunnelIdleProbe {
    private ZtunnelIdleProbe() {}

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("ztunnel-idle");
        InetAddress clientIp = InetAddress.getByName(System.getProperty("bench.clientIp", "127.0.77.1"));
        InetAddress serverIp = InetAddress.getByName(System.getProperty("bench.serverIp", "127.0.77.2"));
        MeshCa ca = MeshCa.generateSelfSigned(SpiffeId.DEFAULT_TRUST_DOMAIN, Duration.ofDays(1));
        try (Sink sink = new Sink(new InetSocketAddress(serverIp, 0))) {
            long t0 = System.nanoTime();
            try (ZtunnelPair pair =
                    ZtunnelPair.start(dir, ca, clientIp, serverIp, sink.address(), ZtunnelPair.jvmFlags())) {
                long readyMs = (System.nanoTime() - t0) / 1_000_000;
                Thread.sleep(Duration.ofSeconds(Long.getLong("probe.settleSeconds", 5)));
                for (TunnelPath.ProxyProcess proc : pair.processes()) {
                    long pid = proc.process().pid();
                    System.out.printf(
                            "idle %s pid %d rss %.1f MB threads %d (both READY after %d ms)%n",
                            proc.role(), pid, Processes.rssKb(pid) / 1024.0, Processes.threads(pid), readyMs);
                }
                Thread.sleep(Duration.ofSeconds(Long.getLong("probe.holdSeconds", 0)));
                if (Boolean.getBoolean("probe.traffic")) {
                    // a training run for a class/AOT archive: the data path's classes too, then a clean exit
                    LoadGen.throughput(pair, Duration.ofSeconds(2));
                    LoadGen.latency(pair, 4, 500, Duration.ofSeconds(2));
                    LoadGen.closeAll(LoadGen.openIdle(pair, Integer.getInteger("probe.connections", 50)));
                    Thread.sleep(Duration.ofSeconds(
                            Long.getLong("probe.afterSeconds", Long.getLong("probe.settleSeconds", 5))));
                    for (TunnelPath.ProxyProcess proc : pair.processes()) {
                        long pid = proc.process().pid();
                        System.out.printf(
                                "after traffic %s pid %d rss %.1f MB threads %d%n",
                                proc.role(), pid, Processes.rssKb(pid) / 1024.0, Processes.threads(pid));
                    }
                }
                for (TunnelPath.ProxyProcess proc : pair.processes()) {
                    proc.process().getOutputStream().close(); // the node exits (and dumps what it was asked to)
                }
                for (TunnelPath.ProxyProcess proc : pair.processes()) {
                    proc.process().waitFor(Long.getLong("probe.exitSeconds", 5), TimeUnit.SECONDS);
                }
            }
        }
        System.out.println("logs: " + dir);
    }
}
