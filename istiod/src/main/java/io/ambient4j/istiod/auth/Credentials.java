package io.ambient4j.istiod.auth;

import java.util.List;

/**
 * What a gRPC caller presented, captured from request metadata before any service code runs.
 *
 * @param authorization every {@code authorization} metadata value
 * @param clusterId the {@code clusterid} metadata value, empty when absent
 * @param peer the remote address, for logs
 */
public record Credentials(List<String> authorization, String clusterId, String peer) {
    public Credentials {
        authorization = List.copyOf(authorization);
    }

    /** No metadata at all (e.g. outside a gRPC call). */
    public static Credentials none() {
        return new Credentials(List.of(), "", "unknown");
    }
}
