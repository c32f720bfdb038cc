package io.ambient4j.istiod.xds;

import io.ambient4j.api.discovery.DeltaDiscoveryResponse;
import io.grpc.Channel;
import java.util.Map;

/** {@link AdsClient} for tests outside this package, with non-blocking polling per type. */
public final class AdsClientAccess implements AutoCloseable {
    private final AdsClient client;
    private final java.util.Deque<DeltaDiscoveryResponse> stash = new java.util.ArrayDeque<>();

    public AdsClientAccess(Channel channel) {
        client = new AdsClient(channel);
    }

    /** A client announcing {@code nodeId} (e.g. a waypoint) with metadata NAMESPACE {@code nodeNamespace}. */
    public AdsClientAccess(Channel channel, String nodeId, String nodeNamespace) {
        client = new AdsClient(channel, nodeId, nodeNamespace);
    }

    public void wildcard(String type) {
        client.wildcard(type);
    }

    public void wildcard(String type, Map<String, String> initial) {
        client.wildcard(type, initial);
    }

    /** Changes an explicit (on-demand) subscription; {@code *} in both lists means "nothing yet". */
    public void subscribe(String type, java.util.List<String> subscribe, java.util.List<String> unsubscribe) {
        client.subscribe(type, subscribe, unsubscribe);
    }

    public void ack(DeltaDiscoveryResponse r) {
        client.ack(r);
    }

    public void nack(DeltaDiscoveryResponse r, String why) {
        client.nack(r, why);
    }

    /** The next response of {@code type}, failing after 10 s; other types are stashed for {@link #poll}. */
    public DeltaDiscoveryResponse next(String type) throws InterruptedException {
        DeltaDiscoveryResponse stashed = fromStash(type);
        if (stashed != null) {
            return stashed;
        }
        while (true) {
            DeltaDiscoveryResponse r = client.next();
            if (r.getTypeUrl().equals(type)) {
                return r;
            }
            stash.add(r);
        }
    }

    /** A response of {@code type} if one is waiting (up to 100 ms), else null. */
    public DeltaDiscoveryResponse poll(String type) throws InterruptedException {
        DeltaDiscoveryResponse stashed = fromStash(type);
        if (stashed != null) {
            return stashed;
        }
        DeltaDiscoveryResponse r = client.poll(100);
        if (r == null || r.getTypeUrl().equals(type)) {
            return r;
        }
        stash.add(r);
        return null;
    }

    private DeltaDiscoveryResponse fromStash(String type) {
        for (var it = stash.iterator(); it.hasNext(); ) {
            DeltaDiscoveryResponse r = it.next();
            if (r.getTypeUrl().equals(type)) {
                it.remove();
                return r;
            }
        }
        return null;
    }

    @Override
    public void close() {
        client.close();
    }
}
