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
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * A ztunnel pair in one JVM for the benchmark: the real {@link WorkloadProxies} serving pod a (127.0.1.1, client)
 * and pod b (127.0.2.1, server) with HBONE between them, certificates from an in-process {@link MeshCa} through the
 * real {@link CertManager}. Captured connections on 127.0.1.1:15001 go to the sink given as argument (standing in
 * for SO_ORIGINAL_DST). Prints {@code READY} and runs until stdin closes.
 */
public final class ZtunnelPairMain {
    private ZtunnelPairMain() {}

    public static void main(String[] args) throws Exception {
        InetSocketAddress sink = new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1]));
        System.setProperty("java.util.logging.config.file", "/dev/null");
        java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
        java.util.logging.Logger.getLogger("access").setLevel(java.util.logging.Level.OFF);
        MeshCa ca = MeshCa.generateSelfSigned(SpiffeId.DEFAULT_TRUST_DOMAIN, Duration.ofDays(1));
        CertManager certs = CertManager.create(id -> {
            Csr.KeyAndCsr kc = Csr.create(id);
            var leaf = ca.signCsr(kc.csrPem(), id, Duration.ofHours(24));
            return WorkloadCertificate.fromCaResponse(kc.key(), ca.responseChain(leaf), id);
        });
        StateUpdater state = new StateUpdater();
        state.apply(StateDelta.ofAddresses(
                List.of(pod("a", "client", "127.0.1.1"), pod("b", "server", "127.0.2.1")), List.of()));
        Map<String, InetAddress> ips =
                Map.of("client", InetAddress.getByName("127.0.1.1"), "server", InetAddress.getByName("127.0.2.1"));
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
        WorkloadProxies proxies = new WorkloadProxies(
                state,
                certs,
                new ConnectionTelemetry(new TcpMetrics(), new AccessLog(LogFormat.PLAIN)),
                ProxySettings.from(cfg).withBindAddress(p -> ips.get(p.name())),
                toSink);
        proxies.start(
                new WorkloadProxyFactory.PodInfo("a", "client", "a", SpiffeId.of("", "a", "client-sa")),
                SocketFactory.plain());
        proxies.start(
                new WorkloadProxyFactory.PodInfo("b", "server", "b", SpiffeId.of("", "b", "server-sa")),
                SocketFactory.plain());
        certs.get(SpiffeId.of("", "a", "client-sa"), Duration.ofSeconds(30));
        certs.get(SpiffeId.of("", "b", "server-sa"), Duration.ofSeconds(30));
        System.out.println("READY " + ProcessHandle.current().pid());
        System.out.flush();
        while (System.in.read() >= 0) {
            // run until the driver closes our stdin
        }
        System.exit(0);
    }

    private static Address pod(String ns, String name, String ip) throws Exception {
        Workload w = Workload.newBuilder()
                .setUid("Kubernetes//Pod/" + ns + "/" + name)
                .setName(name)
                .setNamespace(ns)
                .addAddresses(com.google.protobuf.ByteString.copyFrom(
                        InetAddress.getByName(ip).getAddress()))
                .setTunnelProtocol(TunnelProtocol.HBONE)
                .setServiceAccount(name + "-sa")
                .setWorkloadName(name)
                .setCanonicalName(name)
                .setCanonicalRevision("v1")
                .setNode("node-1")
                .build();
        return ProtoConversion.workload(w.getUid(), w);
    }
}
