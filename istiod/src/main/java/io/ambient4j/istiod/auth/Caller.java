package io.ambient4j.istiod.auth;

import java.util.Objects;

/**
 * Who is calling, as the Kubernetes API server vouched for it in a TokenReview of the caller's bound
 * service-account token.
 *
 * <p>The pod name and UID come from the token's {@code extra} fields and are empty for tokens not bound to a
 * pod; the CA's node authorizer needs them to find the caller's node.
 *
 * @param namespace service account namespace
 * @param serviceAccount service account name
 * @param podName bound pod name, or empty
 * @param podUid bound pod UID, or empty
 */
public record Caller(String namespace, String serviceAccount, String podName, String podUid) {
    public Caller {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(serviceAccount, "serviceAccount");
        Objects.requireNonNull(podName, "podName");
        Objects.requireNonNull(podUid, "podUid");
    }

    /** {@code <namespace>/<serviceAccount>}, the form {@code CA_TRUSTED_NODE_ACCOUNTS} lists. */
    public String account() {
        return namespace + "/" + serviceAccount;
    }
}
