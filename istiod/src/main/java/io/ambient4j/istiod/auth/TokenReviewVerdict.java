package io.ambient4j.istiod.auth;

import java.util.List;
import java.util.Map;

/**
 * Reads a TokenReview result the way upstream istiod does, as a pure function so every refusal is
 * table-tested: an error or {@code authenticated=false} is refused; the audiences the API server reports
 * must include one we asked for; the user must be in {@code system:serviceaccounts} and named
 * {@code system:serviceaccount:<ns>:<sa>}; pod name and UID come from the {@code extra} fields.
 */
public final class TokenReviewVerdict {
    static final String POD_NAME_KEY = "authentication.kubernetes.io/pod-name";
    static final String POD_UID_KEY = "authentication.kubernetes.io/pod-uid";
    static final String SERVICE_ACCOUNTS_GROUP = "system:serviceaccounts";

    /** The parts of a TokenReview status that matter, free of the fabric8 model. */
    public record Status(
            boolean authenticated,
            String error,
            List<String> audiences,
            String username,
            List<String> groups,
            Map<String, List<String>> extra) {
        public Status {
            error = error == null ? "" : error;
            audiences = audiences == null ? List.of() : List.copyOf(audiences);
            username = username == null ? "" : username;
            groups = groups == null ? List.of() : List.copyOf(groups);
            extra = extra == null ? Map.of() : Map.copyOf(extra);
        }
    }

    private TokenReviewVerdict() {}

    /**
     * @param status what the API server answered
     * @param requestedAudiences the audiences we asked the API server to check
     */
    public static Caller interpret(Status status, List<String> requestedAudiences) throws AuthenticationException {
        if (!status.error().isEmpty()) {
            throw new AuthenticationException(
                    AuthenticationException.Reason.NOT_AUTHENTICATED,
                    "the token was refused by the API server: " + status.error());
        }
        if (!status.authenticated()) {
            throw new AuthenticationException(
                    AuthenticationException.Reason.NOT_AUTHENTICATED,
                    "the token is not authenticated (invalid, expired, or not for audience " + requestedAudiences
                            + ")");
        }
        if (!requestedAudiences.isEmpty()
                && !status.audiences().isEmpty()
                && status.audiences().stream().noneMatch(requestedAudiences::contains)) {
            throw new AuthenticationException(
                    AuthenticationException.Reason.WRONG_AUDIENCE,
                    "the token is for audiences " + status.audiences() + ", expected one of " + requestedAudiences);
        }
        if (!status.groups().contains(SERVICE_ACCOUNTS_GROUP)) {
            throw new AuthenticationException(
                    AuthenticationException.Reason.NOT_SERVICE_ACCOUNT,
                    "the token's user " + status.username() + " is not a service account");
        }
        String[] parts = status.username().split(":", -1);
        if (parts.length != 4
                || !parts[0].equals("system")
                || !parts[1].equals("serviceaccount")
                || parts[2].isEmpty()
                || parts[3].isEmpty()) {
            throw new AuthenticationException(
                    AuthenticationException.Reason.NOT_SERVICE_ACCOUNT,
                    "the token's username '" + status.username()
                            + "' is not of the form system:serviceaccount:<namespace>:<name>");
        }
        return new Caller(parts[2], parts[3], first(status.extra(), POD_NAME_KEY), first(status.extra(), POD_UID_KEY));
    }

    private static String first(Map<String, List<String>> extra, String key) {
        List<String> values = extra.get(key);
        return values == null || values.isEmpty() ? "" : values.getFirst();
    }
}
