package io.ambient4j.ztunnel.config;

import java.net.InetAddress;
import java.util.Optional;

/**
 * Where each pod's DNS proxy listens, from proxy metadata {@code DNS_PROXY_ADDR} (env
 * {@code ISTIO_META_DNS_PROXY_ADDR}) as upstream parses it: {@code localhost:<port>} means 127.0.0.1 and, when the
 * pod has it, [::1]; anything else must be {@code <ip>:<port>} ({@code [v6]:<port>} for IPv6).
 *
 * @param ip empty for localhost
 */
public record DnsProxyAddress(Optional<InetAddress> ip, int port) {
    /** Upstream's default, {@code localhost:15053}. */
    public static final DnsProxyAddress DEFAULT = new DnsProxyAddress(Optional.empty(), 15053);

    @Override
    public String toString() {
        return ip.map(a -> a instanceof java.net.Inet6Address ? "[" + a.getHostAddress() + "]" : a.getHostAddress())
                        .orElse("localhost")
                + ":" + port;
    }
}
