package io.ambient4j.istiod.auth;

import java.util.List;

/** Extracts the token from {@code authorization: Bearer <token>} metadata, as ztunnel sends it. */
public final class BearerTokens {
    static final String PREFIX = "Bearer ";

    private BearerTokens() {}

    /**
     * @param authorization every {@code authorization} value, in order
     * @return the first bearer token
     * @throws AuthenticationException {@code MISSING_TOKEN} or {@code MALFORMED_HEADER}
     */
    public static String extract(List<String> authorization) throws AuthenticationException {
        if (authorization.isEmpty()) {
            throw new AuthenticationException(
                    AuthenticationException.Reason.MISSING_TOKEN, "no authorization metadata: expected 'Bearer <JWT>'");
        }
        for (String value : authorization) {
            if (value.startsWith(PREFIX) && !value.substring(PREFIX.length()).isBlank()) {
                return value.substring(PREFIX.length()).trim();
            }
        }
        throw new AuthenticationException(
                AuthenticationException.Reason.MALFORMED_HEADER,
                "authorization metadata holds no bearer token: expected 'Bearer <JWT>'");
    }
}
