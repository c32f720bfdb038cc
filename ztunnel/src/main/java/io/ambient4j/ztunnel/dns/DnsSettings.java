package io.ambient4j.ztunnel.dns;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * What every pod's DNS proxy shares, fixed at start-up: where it listens, the cluster domain, how client search
 * domains are known, and the upstream resolvers.
 *
 * @param listenIp empty = localhost: 127.0.0.1, and [::1] when the pod has IPv6 loopback (upstream's default
 *     {@code localhost:15053}); otherwise exactly this address ({@code ISTIO_META_DNS_PROXY_ADDR=ip:port})
 * @param port the port (15053 unless moved)
 * @param clusterDomain {@code CLUSTER_DOMAIN}
 * @param kubernetesSearch true in shared mode: each client's search list is the Kubernetes one for its namespace;
 *     false (dedicated) uses the resolv.conf search list
 * @param upstream resolvers for everything not answered locally
 * @param tcpIdleTimeout how long a client's TCP connection may sit between queries
 */
public record DnsSettings(
        Optional<InetAddress> listenIp,
        int port,
        DnsName clusterDomain,
        boolean kubernetesSearch,
        ResolvConf upstream,
        Duration tcpIdleTimeout) {

    /** The default port of the per-pod DNS proxy. */
    public static final int DEFAULT_PORT = 15053;
    /** Upstream's idle limit for TCP clients. */
    public static final Duration DEFAULT_TCP_IDLE_TIMEOUT = Duration.ofSeconds(5);

    /** The addresses to bind: required first, then best-effort ones (IPv6 loopback). */
    public record Bind(InetSocketAddress address, boolean required) {}

    public List<Bind> binds() {
        if (listenIp.isPresent()) {
            return List.of(new Bind(new InetSocketAddress(listenIp.get(), port), true));
        }
        return List.of(
                new Bind(new InetSocketAddress(address(new byte[] {127, 0, 0, 1}), port), true),
                new Bind(
                        new InetSocketAddress(
                                address(new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1}), port),
                        false));
    }

    private static InetAddress address(byte[] raw) {
        try {
            return InetAddress.getByAddress(raw);
        } catch (java.net.UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The search domains the client's resolver appends. */
    public List<DnsName> searchDomains(DnsClient client) {
        return kubernetesSearch ? NameExpansion.kubernetesSearch(client.namespace(), clusterDomain) : upstream.search();
    }
}
