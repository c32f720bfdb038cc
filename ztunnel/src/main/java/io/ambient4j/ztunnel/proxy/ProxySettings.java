package io.ambient4j.ztunnel.proxy;

import io.ambient4j.common.hbone.HboneSettings;
import io.ambient4j.ztunnel.config.Config;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;

/**
 * The knobs of the data path, taken from {@link Config} once so the proxy never reads the environment.
 *
 * @param network this ztunnel's network ({@code NETWORK})
 * @param nodeName this ztunnel's node ({@code NODE_NAME}): certificates of workloads on it are pre-fetched
 * @param clusterId cluster name for {@code baggage}
 * @param hbone HTTP/2 windows, frame size and stream cap
 * @param poolMaxStreamsPerConnection POOL_MAX_STREAMS_PER_CONNECTION
 * @param poolUnusedReleaseTimeout POOL_UNUSED_RELEASE_TIMEOUT
 * @param enableOrigSrc empty = spoof the client IP toward the app when possible; true = required; false = never
 * @param enableResponseBaggage add {@code baggage} to the CONNECT 200
 * @param certificateWait how long a connection waits for its workload certificate
 * @param bindAddress the address listeners bind to for a pod (the wildcard inside a pod netns; the pod IP in
 *     direct tests, where every pod shares the host's loopback)
 */
public record ProxySettings(
        String network,
        String nodeName,
        String clusterId,
        HboneSettings hbone,
        int poolMaxStreamsPerConnection,
        Duration poolUnusedReleaseTimeout,
        Optional<Boolean> enableOrigSrc,
        boolean enableResponseBaggage,
        Duration certificateWait,
        Function<WorkloadProxyFactory.PodInfo, InetAddress> bindAddress) {

    /** Certificates normally arrive in well under a second; a connection gives up after this. */
    public static final Duration DEFAULT_CERTIFICATE_WAIT = Duration.ofSeconds(10);

    /** Settings from the typed config; listeners bind the wildcard address inside each pod's netns. */
    public static ProxySettings from(Config cfg) {
        return new ProxySettings(
                cfg.network(),
                cfg.nodeName(),
                cfg.clusterId(),
                HboneSettings.defaults().withWindows(cfg.http2StreamWindowSize(), cfg.http2ConnectionWindowSize()),
                cfg.poolMaxStreamsPerConnection(),
                cfg.poolUnusedReleaseTimeout(),
                cfg.enableOrigSrc(),
                cfg.enableResponseBaggage(),
                DEFAULT_CERTIFICATE_WAIT,
                pod -> null);
    }

    /** The same settings binding listeners to {@code bind} for each pod. */
    public ProxySettings withBindAddress(Function<WorkloadProxyFactory.PodInfo, InetAddress> bind) {
        return new ProxySettings(
                network,
                nodeName,
                clusterId,
                hbone,
                poolMaxStreamsPerConnection,
                poolUnusedReleaseTimeout,
                enableOrigSrc,
                enableResponseBaggage,
                certificateWait,
                bind);
    }
}
