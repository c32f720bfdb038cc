package io.ambient4j.istiod.xds;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One {@code DeltaDiscoveryRequest}, converted at the wire boundary so the stream state machine never touches
 * protobufs.
 *
 * @param typeUrl the resource type
 * @param subscribe names added to the subscription ({@code *} = wildcard)
 * @param unsubscribe names removed from the subscription ({@code *} = leave wildcard)
 * @param initialResourceVersions what the client already holds (first request of a reconnected stream)
 * @param responseNonce the nonce this request answers, empty for a spontaneous request
 * @param errorDetail present when the client rejected the response with {@link #responseNonce} (a NACK)
 */
public record DeltaRequest(
        String typeUrl,
        List<String> subscribe,
        List<String> unsubscribe,
        Map<String, String> initialResourceVersions,
        String responseNonce,
        Optional<String> errorDetail) {
    public DeltaRequest {
        subscribe = List.copyOf(subscribe);
        unsubscribe = List.copyOf(unsubscribe);
        initialResourceVersions = Map.copyOf(initialResourceVersions);
    }

    /** True when this request rejects an earlier response. */
    public boolean isNack() {
        return errorDetail.isPresent();
    }
}
