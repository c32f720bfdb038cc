package io.ambient4j.bench;

import io.ambient4j.api.discovery.AggregatedDiscoveryServiceGrpc;
import io.ambient4j.api.discovery.DeltaDiscoveryRequest;
import io.ambient4j.api.discovery.DeltaDiscoveryResponse;
import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.common.tls.CertifiedKey;
import io.ambient4j.common.tls.MeshCa;
import io.ambient4j.common.tls.Pem;
import io.grpc.Grpc;
import io.grpc.Server;
import io.grpc.TlsServerCredentials;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The idle RSS of the mesh's real ztunnel ({@code io.ambient4j.ztunnel.Main}, not the bench node) with its delta ADS
 * stream open: this process serves the ADS over TLS (gRPC on Netty, here only) and answers each subscription with an
 * empty response, so ztunnel syncs and ACKs; ztunnel runs in its own JVM with ztunnel's JVM options
 * ({@link ZtunnelPair#jvmFlags()}) on {@code bench.ztunnelClasspath}, DNS capture off and no ZDS server (it retries).
 * After {@code probe.settleSeconds} (8) from the first ACKs it prints {@code VmRSS}, threads and the loaded class count
 * ({@code jcmd PerfCounter.print}), {@code probe.runs} (3) times with a fresh process each. {@code probe.classLog=true}
 * adds {@code -Xlog:class+load} and prints the loaded classes by package group (that run's RSS includes the logging).
 * Needs root (ztunnel checks it can enter network namespaces) and 15000/15020/15021 free on the host.
 */
public final class ZtunnelMainProbe {
    private ZtunnelMainProbe() {}

    public static void main(String[] args) throws Exception {
        for (int port : List.of(15000, 15020, 15021)) {
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                throw new IllegalStateException("port " + port + " is in use: ztunnel's admin servers need it");
            } catch (IOException free) {
                // nothing listens: good
            }
        }
        Path dir = Files.createTempDirectory("ztunnel-main-probe");
        MeshCa ca = MeshCa.generateSelfSigned(SpiffeId.DEFAULT_TRUST_DOMAIN, Duration.ofDays(1));
        CertifiedKey serving = ca.issueDnsCertificate(List.of("localhost"), Duration.ofDays(1));
        Path chain = Files.writeString(dir.resolve("istiod-chain.pem"), serving.chainPem());
        Path key = Files.writeString(dir.resolve("istiod-key.pem"), serving.keyPem());
        Path root = Files.writeString(dir.resolve("root-cert.pem"), Pem.encodeCertificates(ca.roots()));
        Path token = Files.writeString(dir.resolve("istio-token"), "header.payload.sig\n");
        int runs = Integer.getInteger("probe.runs", 3);
        long settle = Long.getLong("probe.settleSeconds", 8);
        boolean classLog = Boolean.getBoolean("probe.classLog");
        for (int run = 1; run <= runs; run++) {
            Ads ads = new Ads();
            Server server = Grpc.newServerBuilderForPort(0, TlsServerCredentials.create(chain.toFile(), key.toFile()))
                    .addService(ads)
                    .build()
                    .start();
            Process p = null;
            try {
                Path classes = dir.resolve("classes-" + run + ".log");
                p = startZtunnel(dir, run, server.getPort(), root, token, classLog ? classes : null);
                if (!ads.acked.await(30, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("ztunnel did not ACK both types within 30 s; see " + dir);
                }
                Thread.sleep(Duration.ofSeconds(settle));
                long pid = p.pid();
                System.out.printf(
                        "run %d: ztunnel Main pid %d rss %.1f MB threads %d loaded classes %s, %d s after its ACKs%n",
                        run, pid, Processes.rssKb(pid) / 1024.0, Processes.threads(pid), loadedClasses(pid), settle);
                if (classLog) {
                    byGroup(classes).forEach((g, n) -> System.out.printf("  %-28s %5d%n", g, n));
                }
            } finally {
                if (p != null) {
                    Processes.stop(p);
                }
                server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
            }
        }
        System.out.println("logs: " + dir);
    }

    private static Process startZtunnel(Path dir, int run, int port, Path root, Path token, Path classLog)
            throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(ZtunnelPair.jvmFlags());
        if (classLog != null) {
            cmd.add("-Xlog:class+load=info:file=" + classLog);
        }
        cmd.addAll(List.of(
                "--enable-native-access=ALL-UNNAMED",
                "--add-opens",
                "java.base/sun.nio.ch=ALL-UNNAMED",
                "-cp",
                ZtunnelPair.nodeClasspath(),
                "io.ambient4j.ztunnel.Main"));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        Map<String, String> env = pb.environment();
        env.put("MALLOC_ARENA_MAX", ZtunnelPair.MALLOC_ARENA_MAX);
        env.put("XDS_ADDRESS", "https://localhost:" + port);
        env.put("CA_ADDRESS", "https://localhost:" + port);
        env.put("XDS_ROOT_CA", root.toString());
        env.put("CA_ROOT_CA", root.toString());
        env.put("AUTH_TOKEN", token.toString());
        env.put("CLUSTER_ID", "Kubernetes");
        env.put("POD_NAME", "ztunnel-probe");
        env.put("POD_NAMESPACE", "istio-system");
        env.put("SERVICE_ACCOUNT", "ztunnel");
        env.put("NODE_NAME", "probe-node");
        env.put("INSTANCE_IP", "127.0.0.1");
        env.put("ISTIO_META_DNS_CAPTURE", "false");
        env.put("INPOD_UDS", dir.resolve("zds-" + run + ".sock").toString());
        Path log = dir.resolve("ztunnel-" + run + ".log");
        return pb.redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    /** {@code java.cls.loadedClasses} (shared ones included) less unloaded, from {@code jcmd PerfCounter.print}. */
    private static String loadedClasses(long pid) throws IOException, InterruptedException {
        Process j = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                        String.valueOf(pid),
                        "PerfCounter.print")
                .redirectErrorStream(true)
                .start();
        String out = new String(j.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        j.waitFor(10, TimeUnit.SECONDS);
        long loaded = counter(out, "java.cls.loadedClasses=");
        long shared = counter(out, "java.cls.sharedLoadedClasses=");
        long unloaded = counter(out, "java.cls.unloadedClasses=");
        return (loaded - unloaded) + " (" + shared + " from the CDS archive)";
    }

    private static long counter(String perf, String name) {
        for (String line : perf.split("\\R")) {
            if (line.startsWith(name)) {
                return Long.parseLong(line.substring(name.length()).strip());
            }
        }
        return -1;
    }

    /** Classes named in an {@code -Xlog:class+load} file, counted by the groups the RSS discussion uses. */
    private static Map<String, Integer> byGroup(Path log) throws IOException {
        Map<String, Integer> out = new TreeMap<>();
        for (String line : Files.readAllLines(log)) {
            int i = line.indexOf("] ");
            if (i < 0) {
                continue;
            }
            String name = line.substring(i + 2).split(" ")[0];
            out.merge(group(name), 1, Integer::sum);
        }
        return out;
    }

    private static String group(String cls) {
        List<String> groups = List.of(
                "io.grpc.netty.shaded",
                "io.grpc",
                "com.google.common",
                "com.google.protobuf",
                "io.helidon.webclient",
                "io.helidon",
                "io.ambient4j",
                "sun.security",
                "java.lang.invoke",
                "jdk.internal.foreign");
        for (String g : groups) {
            if (cls.startsWith(g + ".")) {
                return g;
            }
        }
        return "other";
    }

    /** Answers each subscription with an empty response and counts the ACKs of both types. */
    private static final class Ads extends AggregatedDiscoveryServiceGrpc.AggregatedDiscoveryServiceImplBase {
        final CountDownLatch acked = new CountDownLatch(2);
        private final AtomicInteger nonce = new AtomicInteger();

        @Override
        public StreamObserver<DeltaDiscoveryRequest> deltaAggregatedResources(
                StreamObserver<DeltaDiscoveryResponse> out) {
            return new StreamObserver<>() {
                @Override
                public void onNext(DeltaDiscoveryRequest r) {
                    if (r.getResponseNonce().isEmpty()) {
                        out.onNext(DeltaDiscoveryResponse.newBuilder()
                                .setTypeUrl(r.getTypeUrl())
                                .setNonce("n" + nonce.incrementAndGet())
                                .build());
                    } else {
                        acked.countDown();
                    }
                }

                @Override
                public void onError(Throwable t) {}

                @Override
                public void onCompleted() {
                    out.onCompleted();
                }
            };
        }
    }
}
