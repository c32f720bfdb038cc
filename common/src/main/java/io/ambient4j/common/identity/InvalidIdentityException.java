package io.ambient4j.common.identity;

/**
 * A string that is not a mesh identity of the form {@code spiffe://<td>/ns/<ns>/sa/<sa>}. Identities
 * arrive from certificates, CSRs, xDS and CA metadata; callers branch on {@link #reason()} (stable) and
 * show {@link #getMessage()} (which quotes the offending input) to humans.
 */
public final class InvalidIdentityException extends RuntimeException {

    /** Why the input was refused. Names are stable: they appear in logs and tests. */
    public enum Reason {
        /** The input was null or empty. */
        EMPTY,
        /** Longer than the SPIFFE limit of 2048 bytes (trust domain: 255). */
        TOO_LONG,
        /** Does not start with {@code spiffe://}. */
        WRONG_SCHEME,
        /** The trust domain is missing or holds a character outside {@code [a-z0-9._-]}. */
        BAD_TRUST_DOMAIN,
        /** The path is not exactly {@code /ns/<namespace>/sa/<service account>}. */
        BAD_PATH,
        /** A namespace or service-account segment is empty, "." / "..", or has a bad character. */
        BAD_SEGMENT
    }

    private final Reason reason;

    public InvalidIdentityException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
