package io.ambient4j.istiod.waypoint;

/** A waypoint could not be rendered or its inputs could not be read; one Gateway fails, the rest go on. */
public final class WaypointException extends RuntimeException {
    /** Stable reasons. */
    public enum Reason {
        /** The {@code values} key of {@code istio-sidecar-injector} is not JSON. */
        BAD_INJECTOR_VALUES,
        /** The Gateway cannot be turned into objects (e.g. a listener without a port). */
        INVALID_GATEWAY
    }

    private final Reason reason;

    public WaypointException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
