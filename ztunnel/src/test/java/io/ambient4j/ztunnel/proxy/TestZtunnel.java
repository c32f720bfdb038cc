package io.ambient4j.ztunnel.proxy;

import io.ambient4j.ztunnel.config.Config;
import io.ambient4j.ztunnel.config.LogFormat;
import io.ambient4j.ztunnel.identity.CertManager;
import io.ambient4j.ztunnel.identity.GrpcCaClient;
import io.ambient4j.ztunnel.metrics.AccessLog;
import io.ambient4j.ztunnel.metrics.ConnectionTelemetry;
import io.ambient4j.ztunnel.metrics.TcpMetrics;
import io.ambient4j.ztunnel.state.Address;
import io.ambient4j.ztunnel.state.StateDelta;
import io.ambient4j.ztunnel.state.StateUpdater;
import java.net.InetAddress;
import java.util.List;
import java.util.Map;

/**
 * One in-process ztunnel for direct tests: its own state (fed directly, standing in for xDS), its own certificate
 * manager talking to the shared fake CA over gRPC/TLS, its own metrics, and the real {@link WorkloadProxies}.
 */
final class TestZtunnel implements AutoCloseable {
    final StateUpdater state = new StateUpdater();
    final TcpMetrics metrics = new TcpMetrics();
    final GrpcCaClient ca;
    final CertManager certs;
    final WorkloadProxies proxies;

    TestZtunnel(Config cfg, DestinationLookup destinations, Map<String, InetAddress> podIps, List<Address> mesh) {
        state.apply(StateDelta.ofAddresses(mesh, List.of()));
        ca = GrpcCaClient.create(cfg);
        certs = CertManager.create(ca);
        proxies = new WorkloadProxies(
                state,
                certs,
                new ConnectionTelemetry(metrics, new AccessLog(LogFormat.PLAIN)),
                ProxySettings.from(cfg).withBindAddress(pod -> podIps.get(pod.name())),
                destinations);
    }

    @Override
    public void close() {
        proxies.close();
        certs.close();
        ca.close();
    }
}
