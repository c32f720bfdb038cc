package io.ambient4j.ztunnel.state;

/**
 * One xDS resource could not be converted. It names the resource so the xDS client can NACK exactly that name while
 * the rest of the push applies; {@link #reason()} is stable.
 */
public final class ResourceConversionException extends RuntimeException {
    /** What was wrong with the resource. */
    public enum Reason {
        /** The bytes were not the declared message type. */
        UNDECODABLE,
        /** A required field (uid, hostname, oneof) was empty. */
        MISSING_FIELD,
        /** An IP address was not 4 or 16 bytes, or a prefix length was out of range. */
        INVALID_ADDRESS,
        /** A port was 0 where forbidden or above 65535. */
        INVALID_PORT,
        /** An enum value this version does not know. */
        UNKNOWN_ENUM,
        /** A {@code <namespace>/<hostname>} key without a slash. */
        INVALID_KEY,
        /** Trust domain, namespace and service account do not form a SPIFFE ID. */
        INVALID_IDENTITY
    }

    private final String resourceName;
    private final Reason reason;
    private final String detail;

    public ResourceConversionException(String resourceName, Reason reason, String detail) {
        super(resourceName + ": " + reason + ": " + detail);
        this.resourceName = resourceName;
        this.reason = reason;
        this.detail = detail;
    }

    /** What was wrong, without the name and reason. */
    public String detail() {
        return detail;
    }

    /** The xDS resource name that must be NACKed. */
    public String resourceName() {
        return resourceName;
    }

    public Reason reason() {
        return reason;
    }
}
