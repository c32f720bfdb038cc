package io.ambient4j.istiod.auth;

/**
 * Turns presented credentials into a verified {@link Caller}. The production implementation asks the
 * Kubernetes API server (TokenReview); a caller is never trusted on its own word.
 */
public interface Authenticator {
    /**
     * @throws AuthenticationException with a specific reason when the caller is not authenticated
     */
    Caller authenticate(Credentials credentials) throws AuthenticationException;
}
