package io.ambient4j.bench;

import io.ambient4j.api.workload.TunnelProtocol;
import io.ambient4j.api.workload.Workload;
import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.common.net.SocketFactory;
import io.ambient4j.common.tls.Csr;
import io.ambient4j.common.tls.CsrBuilder;
import io.ambient4j.common.tls.WorkloadCertificate;
import io.ambient4j.ztunnel.config.Config;
import io.ambient4j.ztunnel.config.LogFormat;
import io.ambient4j.ztunnel.identity.CertManager;
import io.ambient4j.ztunnel.identity.CertificateFetchException;
import io.ambient4j.ztunnel.memory.IdleTrimPolicy;
import io.ambient4j.ztunnel.memory.IdleTrimmer;
import io.ambient4j.ztunnel.metrics.AccessLog;
import io.ambient4j.ztunnel.metrics.ConnectionTelemetry;
import io.ambient4j.ztunnel.metrics.TcpMetrics;
import io.ambient4j.ztunnel.proxy.DestinationLookup;
import io.ambient4j.ztunnel.proxy.ProxySettings;
import io.ambient4j.ztunnel.proxy.WorkloadProxies;
import io.ambient4j.ztunnel.proxy.WorkloadProxyFactory;
import io.ambient4j.ztunnel.state.Address;
import io.ambient4j.ztunnel.state.ProtoConversion;
import io.ambient4j.ztunnel.state.StateDelta;
import io.ambient4j.ztunnel.state.StateUpdater;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * One ztunnel in its own JVM, so the benchmark can read each proxy's RSS: the real {@link WorkloadProxies} serving
 * one pod of a two-pod mesh (pod {@code a} = the client, pod {@code b} = the server), listeners bound to that pod's
 * loopback address. Certificates come through the real {@link CertManager}: the node makes its key and CSR as ztunnel
 * does ({@link CsrBuilder}) and the driver signs it with the benchmark's CA (standing in for istiod's CA API, over
 * stdout/stdin), so no CA code (BouncyCastle) runs in the ztunnel process; the mesh state is fed directly (standing
 * in for xDS). The idle trim ({@link IdleTrimmer}) runs as in ztunnel.
 * Captured connections on pod a's 15001 go to the sink named on the command line (standing in for
 * SO_ORIGINAL_DST). Prints {@code READY <pid>} once the pod's certificate is issued and runs until stdin closes.
 *
 * <p>Arguments: {@code client|server <client pod IP> <server pod IP> <sink IP> <sink port>}.
 */
public final class ZtunnelNode {
    private ZtunnelNode() {}

    public static void main(String[] args) throws Exception {
        boolean client = switch (args[0]) {
            case "client" -> true;
            case "server" -> false;
            default -> throw new IllegalArgumentException("role must be client or server, not " + args[0]);
        };
        InetAddress clientIp = InetAddress.getByName(args[1]);
        InetAddress serverIp = InetAddress.getByName(args[2]);
        InetSocketAddress sink = new InetSocketAddress(InetAddress.getByName(args[3]), Integer.parseInt(args[4]));

        BufferedReader driver = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        CertManager certs = CertManager.create(id -> {
            // The CA API round trip, with the driver as the CA: the CSR out on stdout, the chain back on stdin.
            Csr.KeyAndCsr kc = CsrBuilder.create(id);
            String chain;
            try {
                chain = exchange(driver, CSR_PREFIX + encode(List.of(kc.csrPem())));
            } catch (java.io.IOException e) {
                throw new CertificateFetchException(
                        CertificateFetchException.Reason.CA_UNAVAILABLE, "bench driver: " + e.getMessage(), e);
            }
            if (chain == null || !chain.startsWith(CHAIN_PREFIX)) {
                throw new CertificateFetchException(
                        CertificateFetchException.Reason.BAD_RESPONSE,
                        "the bench driver sent no chain: " + chain,
                        null);
            }
            return WorkloadCertificate.fromCaResponse(kc.key(), decode(chain.substring(CHAIN_PREFIX.length())), id);
        });
        StateUpdater state = new StateUpdater();
        state.apply(StateDelta.ofAddresses(List.of(pod("a", clientIp), pod("b", serverIp)), List.of()));
        Config cfg = Config.fromEnv(Map.of("POD_NAMESPACE", "istio-system", "SERVICE_ACCOUNT", "ztunnel"));
        DestinationLookup toSink = new DestinationLookup() {
            @Override
            public InetSocketAddress outbound(WorkloadProxyFactory.PodInfo pod, SocketChannel accepted) {
                return sink;
            }

            @Override
            public InetSocketAddress inboundPlaintext(WorkloadProxyFactory.PodInfo pod, SocketChannel accepted) {
                return sink;
            }
        };
        String ns = client ? "a" : "b";
        InetAddress bind = client ? clientIp : serverIp;
        ConnectionTelemetry telemetry = new ConnectionTelemetry(new TcpMetrics(), new AccessLog(LogFormat.PLAIN));
        WorkloadProxies proxies = new WorkloadProxies(
                state, certs, telemetry, ProxySettings.from(cfg).withBindAddress(p -> bind), toSink);
        SpiffeId identity = SpiffeId.of("", ns, "app-sa");
        proxies.start(new WorkloadProxyFactory.PodInfo(ns, "app", ns, identity), SocketFactory.plain());
        certs.get(identity, Duration.ofSeconds(30));
        // as Ztunnel wires it: the heap goes back to the node when the proxies are idle
        IdleTrimmer.start(IdleTrimPolicy.DEFAULT, telemetry::activity);
        System.out.println("READY " + ProcessHandle.current().pid());
        System.out.flush();
        while (driver.read() >= 0) {
            // runs until the driver closes our stdin (or dies)
        }
        System.exit(0);
    }

    private static final java.util.concurrent.locks.ReentrantLock EXCHANGE =
            new java.util.concurrent.locks.ReentrantLock();

    /** One request line out, one answer line back; one exchange at a time. */
    private static String exchange(BufferedReader driver, String request) throws java.io.IOException {
        EXCHANGE.lock();
        try {
            System.out.println(request);
            System.out.flush();
            return driver.readLine();
        } finally {
            EXCHANGE.unlock();
        }
    }

    /** A line from the node asking the driver to sign the PEM CSR it carries. */
    static final String CSR_PREFIX = "CSR ";

    /** The driver's answer: the CA response's cert_chain elements. */
    static final String CHAIN_PREFIX = "CHAIN ";

    /** PEM texts as one line: each element Base64, separated by spaces. */
    static String encode(List<String> pems) {
        return String.join(
                " ",
                pems.stream()
                        .map(p -> Base64.getEncoder().encodeToString(p.getBytes(StandardCharsets.UTF_8)))
                        .toList());
    }

    static List<String> decode(String line) {
        return Arrays.stream(line.strip().split(" "))
                .map(b -> new String(Base64.getDecoder().decode(b), StandardCharsets.UTF_8))
                .toList();
    }

    private static Address pod(String ns, InetAddress ip) throws Exception {
        Workload w = Workload.newBuilder()
                .setUid("Kubernetes//Pod/" + ns + "/app")
                .setName("app")
                .setNamespace(ns)
                .addAddresses(com.google.protobuf.ByteString.copyFrom(ip.getAddress()))
                .setTunnelProtocol(TunnelProtocol.HBONE)
                .setServiceAccount("app-sa")
                .setWorkloadName("app")
                .setCanonicalName("app")
                .setCanonicalRevision("v1")
                .setNode("node-1")
                .build();
        return ProtoConversion.workload(w.getUid(), w);
    }
}
