package io.ambient4j.ztunnel.proxy;

/** No outbound route can be built; {@link #reason()} is stable and becomes the access log's error. */
public final class OutboundRoutingException extends RuntimeException {
    /** Why routing failed. */
    public enum Reason {
        /** A loopback destination on 15001/15006/15008: a call into ztunnel itself. */
        SELF_CALL,
        /** The destination is a service, but no endpoint is healthy or serves the port. */
        NO_HEALTHY_UPSTREAM,
        /** A waypoint is configured but cannot be found or has no usable endpoint. */
        UNKNOWN_WAYPOINT,
        /** The upstream is on another network and its gateway cannot be found. */
        UNKNOWN_NETWORK_GATEWAY,
        /** The chosen workload has no address usable from here. */
        NO_VALID_DESTINATION,
        /** The chosen workload is only a hostname; DNS resolution is needed (not done by the pure router). */
        NEEDS_DNS
    }

    private final Reason reason;

    OutboundRoutingException(Reason reason, String detail) {
        super(reason + ": " + detail);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
