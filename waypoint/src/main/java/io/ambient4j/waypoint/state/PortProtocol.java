package io.ambient4j.waypoint.state;

/**
 * What a service port declares it carries ({@code istio.workload.Port.app_protocol}, from the Service port's
 * {@code appProtocol} or name prefix). The waypoint parses HTTP/1.1 on {@link #HTTP1} ports, relays {@link #OPAQUE}
 * ones at L4 without reading first (server-first protocols work), and sniffs {@link #UNDECLARED} ones.
 */
public enum PortProtocol {
    UNDECLARED,
    HTTP1,
    /** HTTP/2, gRPC, TCP and TLS: relayed at L4 (this waypoint does not terminate HTTP/2). */
    OPAQUE;

    public static PortProtocol of(io.ambient4j.api.workload.AppProtocol p) {
        return switch (p) {
            case HTTP11 -> HTTP1;
            case HTTP2, GRPC, TCP, TLS -> OPAQUE;
            case UNKNOWN, UNRECOGNIZED -> UNDECLARED;
        };
    }
}
