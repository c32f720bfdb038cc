package io.ambient4j.waypoint.xds;

/**
 * One L7 resource could not be converted; the push NACKs it by name and applies the rest. {@link #reason()} is
 * stable.
 */
public final class L7ConversionException extends RuntimeException {
    public enum Reason {
        MISSING_FIELD,
        UNDECODABLE,
        INVALID_REGEX,
        INVALID_CIDR,
        INVALID_PORT,
        INVALID_STATUS,
        INVALID_REDIRECT,
        UNKNOWN_ENUM
    }

    private final Reason reason;

    public L7ConversionException(String resource, Reason reason, String detail) {
        super(resource + ": " + reason + ": " + detail);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
