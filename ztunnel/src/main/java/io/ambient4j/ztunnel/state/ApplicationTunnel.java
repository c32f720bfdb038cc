package io.ambient4j.ztunnel.state;

/**
 * The workload consumes a PROXY-protocol tunnel (a waypoint "sandwich"); {@code port} 0 keeps the original port.
 */
public record ApplicationTunnel(Protocol protocol, int port) {
    public enum Protocol {
        NONE,
        PROXY
    }
}
