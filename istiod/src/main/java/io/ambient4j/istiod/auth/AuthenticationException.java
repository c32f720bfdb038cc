package io.ambient4j.istiod.auth;

/**
 * The caller could not be authenticated. The gRPC services answer {@code UNAUTHENTICATED}; the reason and
 * message go to the log (and, for xDS, to the client) so an operator sees why.
 */
public final class AuthenticationException extends Exception {
    /** Stable reasons, for logs, metrics and tests. */
    public enum Reason {
        /** No {@code authorization} metadata. */
        MISSING_TOKEN,
        /** {@code authorization} present but not {@code Bearer <token>}. */
        MALFORMED_HEADER,
        /** The {@code clusterid} metadata names a cluster this istiod does not serve. */
        UNKNOWN_CLUSTER,
        /** The TokenReview call itself failed (API server unreachable, forbidden). */
        REVIEW_FAILED,
        /** The API server says the token is invalid or expired. */
        NOT_AUTHENTICATED,
        /** The token is valid but not for any accepted audience. */
        WRONG_AUDIENCE,
        /** The token does not belong to a Kubernetes service account. */
        NOT_SERVICE_ACCOUNT
    }

    private final Reason reason;

    public AuthenticationException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public AuthenticationException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
