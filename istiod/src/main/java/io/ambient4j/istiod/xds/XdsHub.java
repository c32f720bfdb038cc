package io.ambient4j.istiod.xds;

import io.ambient4j.istiod.ops.Metrics;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Joins the resource store to the connected streams: it registers one listener on the {@link ResourceSource}
 * and hands each delta to every stream's inbox. The listener only enqueues, so the index's writer thread is
 * never held up by a slow client; each stream's own writer thread does the sending.
 *
 * <p>One hub serves both the plaintext (15010) and TLS (15012) ports, so a client sees the same resources
 * on either.
 */
public final class XdsHub {
    /**
     * The types ambient ztunnel and ambient4j waypoints subscribe to; others are ignored like upstream ignores types
     * it has no generator for.
     */
    public static final Set<String> SERVED_TYPES =
            Set.of(TypeUrls.ADDRESS, TypeUrls.AUTHORIZATION, TypeUrls.L7_POLICY, TypeUrls.HTTP_ROUTE);

    /** The types only a {@code waypoint} node gets, each resource only by the waypoints it concerns. */
    public static final Set<String> WAYPOINT_TYPES = Set.of(TypeUrls.L7_POLICY, TypeUrls.HTTP_ROUTE);

    private final ResourceSource source;
    private final XdsMetrics metrics;
    private final Set<AdsStream> streams = ConcurrentHashMap.newKeySet();
    private final AtomicLong pushVersion = new AtomicLong();

    public XdsHub(ResourceSource source, Metrics registry) {
        this.source = source;
        this.metrics = new XdsMetrics(registry);
        source.subscribe(this::onDelta);
    }

    private void onDelta(ResourceDelta delta) {
        if (delta.isEmpty() || !SERVED_TYPES.contains(delta.typeUrl())) {
            return;
        }
        pushVersion.incrementAndGet();
        for (AdsStream s : streams) {
            s.offer(delta);
        }
    }

    /** The number of streams that have sent their first request. */
    public int connectedStreams() {
        return streams.size();
    }

    /** For each connected stream: node id → type URL → resource count the client holds. */
    public Map<String, Map<String, Integer>> describeStreams() {
        Map<String, Map<String, Integer>> out = new java.util.TreeMap<>();
        for (AdsStream s : List.copyOf(streams)) {
            out.put(s.describe(), s.heldCounts());
        }
        return out;
    }

    String systemVersion() {
        return Long.toString(pushVersion.get());
    }

    Map<String, XdsResource> snapshot(String typeUrl) {
        return source.snapshot(typeUrl);
    }

    Set<String> resolve(String typeUrl, String name) {
        return source.resolve(typeUrl, name);
    }

    java.util.Optional<String> waypointOfPod(String podNamespace, String podName) {
        return source.waypointOfPod(podNamespace, podName);
    }

    XdsMetrics metrics() {
        return metrics;
    }

    void register(AdsStream stream) {
        streams.add(stream);
    }

    void unregister(AdsStream stream) {
        streams.remove(stream);
    }
}
