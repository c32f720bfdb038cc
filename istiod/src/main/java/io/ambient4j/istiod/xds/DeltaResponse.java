package io.ambient4j.istiod.xds;

import java.util.List;

/**
 * One {@code DeltaDiscoveryResponse} before it is converted to protobuf at the wire boundary.
 *
 * @param typeUrl the resource type
 * @param systemVersion the server's push version (informational)
 * @param nonce unique per response on its stream; the client echoes it to ACK or NACK
 * @param resources added or changed resources
 * @param removed names the client must forget
 */
public record DeltaResponse(
        String typeUrl, String systemVersion, String nonce, List<XdsResource> resources, List<String> removed) {
    public DeltaResponse {
        resources = List.copyOf(resources);
        removed = List.copyOf(removed);
    }
}
