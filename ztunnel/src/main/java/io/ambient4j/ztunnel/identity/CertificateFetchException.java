package io.ambient4j.ztunnel.identity;

/** A certificate could not be obtained; the reason is stable so callers can count and report it. */
public final class CertificateFetchException extends Exception {
    /** Why the fetch failed. */
    public enum Reason {
        /** The CA could not be reached or answered with a gRPC error. */
        CA_UNAVAILABLE,
        /** The CA answered, but the chain was not for the requested identity or did not verify. */
        BAD_RESPONSE,
        /** Waiting for the certificate took longer than the caller allowed. */
        TIMEOUT,
        /** The certificate manager is closed. */
        CLOSED
    }

    private final Reason reason;

    public CertificateFetchException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
