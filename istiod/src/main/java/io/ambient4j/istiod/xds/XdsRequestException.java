package io.ambient4j.istiod.xds;

/**
 * A delta ADS request the server refuses: the stream is closed with {@code INVALID_ARGUMENT} and this
 * message, so the client's log says exactly what it sent wrong.
 */
public final class XdsRequestException extends RuntimeException {
    /** Stable reasons, for logs and tests. */
    public enum Reason {
        MISSING_NODE,
        INVALID_NODE,
        MISSING_TYPE_URL,
        UNSUPPORTED_TYPE_URL
    }

    private final Reason reason;

    public XdsRequestException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
