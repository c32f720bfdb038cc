package io.ambient4j.ztunnel.dns;

import io.ambient4j.common.net.SocketFactory;
import io.ambient4j.ztunnel.config.Config;
import io.ambient4j.ztunnel.config.ProxyMode;
import io.ambient4j.ztunnel.metrics.DnsMetrics;
import io.ambient4j.ztunnel.state.ProxyState;
import java.io.IOException;
import java.security.SecureRandom;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;

/**
 * Makes one {@link DnsServer} per pod (the proxy data path calls {@link #start} next to the pod's other listeners),
 * all sharing the settings, the metrics and the state. Each pod's forwarder uses that pod's sockets, so forwarded
 * queries leave from inside the pod's netns.
 */
public final class DnsProxies {
    private final DnsSettings settings;
    private final DnsMetrics metrics;
    private final Supplier<ProxyState> state;
    /** Upstream query ids must not be guessable (answer spoofing). */
    private final RandomGenerator ids = new SecureRandom();
    /** Shuffling answers only needs to be cheap. */
    private final RandomGenerator shuffle = () -> ThreadLocalRandom.current().nextLong();

    public DnsProxies(DnsSettings settings, DnsMetrics metrics, Supplier<ProxyState> state) {
        this.settings = settings;
        this.metrics = metrics;
        this.state = state;
    }

    /** Settings from the typed config plus the parsed resolv.conf. */
    public static DnsSettings settings(Config cfg, ResolvConf upstream) {
        return new DnsSettings(
                cfg.dnsProxyAddr().ip(),
                cfg.dnsProxyAddr().port(),
                DnsName.of(cfg.clusterDomain()),
                cfg.proxyMode() == ProxyMode.SHARED,
                upstream,
                DnsSettings.DEFAULT_TCP_IDLE_TIMEOUT);
    }

    public DnsSettings settings() {
        return settings;
    }

    /** Starts the DNS proxy of one pod; its client is looked up per query, so xDS updates apply at once. */
    public DnsServer start(Supplier<DnsClient> client, SocketFactory sockets, String podName) throws IOException {
        DnsForwarder forwarder = new DnsForwarder(settings.upstream(), sockets, ids);
        DnsHandler handler = new DnsHandler(state, client, settings, forwarder, metrics, shuffle);
        return DnsServer.start(settings, handler, sockets, podName);
    }
}
