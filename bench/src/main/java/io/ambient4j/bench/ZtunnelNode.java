package io.ambient4j.bench;

import io.ambient4j.api.workload.TunnelProtocol;
import io.ambient4j.api.workload.Workload;
import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.common.net.SocketFactory;
import io.ambient4j.common.tls.Csr;
import io.ambient4j.common.tls.MeshCa;
import io.ambient4j.common.tls.WorkloadCertificate;
import io.ambient4j.ztunnel.config.Config;
import io.ambient4j.ztunnel.config.LogFormat;
import io.ambient4j.ztunnel.identity.CertManager;
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
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One ztunnel in its own JVM, so the benchmark can read each proxy's RSS: the real {@link WorkloadProxies} serving
 * one pod of a two-pod mesh (pod {@code a} = the client, pod {@code b} = the server), listeners bound to that pod's
 * loopback address. Certificates come through the real {@link CertManager} from the benchmark's CA, loaded from the
 * Secret-style files the driver wrote (standing in for istiod's CA API); the mesh state is fed directly (standing in for xDS).
 * Captured connections on pod a's 15001 go to the sink named on the command line (standing in for
 * SO_ORIGINAL_DST). Prints {@code READY <pid>} once the pod's certificate is issued and runs until stdin closes.
 *
 * <p>Arguments: {@code client|server <ca dir> <client pod IP> <server pod IP> <sink IP> <sink port>}.
 */
public final class ZtunnelNode {
    private ZtunnelNode() {}

    public static void main(String[] args) throws Exception {
        boolean client = switch (args[0]) {
            case "client" -> true;
            case "server" -> false;
            default -> throw new IllegalArgumentException("role must be client or server, not " + args[0]);
        };
        Path caDir = Path.of(args[1]);
        InetAddress clientIp = InetAddress.getByName(args[2]);
        InetAddress serverIp = InetAddress.getByName(args[3]);
        InetSocketAddress sink = new InetSocketAddress(InetAddress.getByName(args[4]), Integer.parseInt(args[5]));

        Map<String, String> caSecret = new HashMap<>();
        try (var files = Files.list(caDir)) {
            for (Path f : files.toList()) {
                caSecret.put(f.getFileName().toString(), Files.readString(f));
            }
        }
        MeshCa ca = MeshCa.fromSecretData(caSecret);
        CertManager certs = CertManager.create(id -> {
            Csr.KeyAndCsr kc = Csr.create(id);
            var leaf = ca.signCsr(kc.csrPem(), id, Duration.ofHours(24));
            return WorkloadCertificate.fromCaResponse(kc.key(), ca.responseChain(leaf), id);
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
        WorkloadProxies proxies = new WorkloadProxies(
                state,
                certs,
                new ConnectionTelemetry(new TcpMetrics(), new AccessLog(LogFormat.PLAIN)),
                ProxySettings.from(cfg).withBindAddress(p -> bind),
                toSink);
        SpiffeId identity = SpiffeId.of("", ns, "app-sa");
        proxies.start(new WorkloadProxyFactory.PodInfo(ns, "app", ns, identity), SocketFactory.plain());
        certs.get(identity, Duration.ofSeconds(30));
        System.out.println("READY " + ProcessHandle.current().pid());
        System.out.flush();
        while (System.in.read() >= 0) {
            // runs until the driver closes our stdin (or dies)
        }
        System.exit(0);
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
