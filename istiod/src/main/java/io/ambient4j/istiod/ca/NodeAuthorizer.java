package io.ambient4j.istiod.ca;

import io.ambient4j.common.identity.InvalidIdentityException;
import io.ambient4j.common.identity.SpiffeId;
import io.ambient4j.istiod.auth.Caller;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a node proxy (ztunnel) may obtain a certificate for another identity, following the six
 * steps of upstream's node authorizer: the feature must be configured; the caller's {@code ns/sa} must be a
 * trusted node account; the requested SPIFFE ID must parse; the caller's own pod (named by its bound token)
 * must exist with the token's UID and service account; and a non-Failed pod running as the requested
 * identity must sit on that same node. A pure function over {@link PodFacts}, so each refusal is a table test.
 */
public final class NodeAuthorizer {
    /** Facts about pods the decision needs; production reads them from a pod informer. */
    public interface PodFacts {
        /** The non-Failed pod {@code ns/name}, if known. */
        Optional<PodInfo> pod(String namespace, String name);

        /** True when at least one non-Failed pod with service account {@code ns/sa} runs on {@code node}. */
        boolean hasPodOnNode(String namespace, String serviceAccount, String node);
    }

    /** What the decision needs to know about the caller's pod. */
    public record PodInfo(String uid, String serviceAccount, String nodeName) {}

    /** Why an impersonation was refused; logged, never sent to the caller. */
    public enum Reason {
        NOT_CONFIGURED,
        CALLER_NOT_TRUSTED,
        INVALID_IDENTITY,
        CALLER_POD_NOT_FOUND,
        CALLER_POD_UID_MISMATCH,
        CALLER_POD_SERVICE_ACCOUNT_MISMATCH,
        NO_POD_ON_NODE
    }

    /** The outcome: the identity to sign, or a refusal with its reason. */
    public sealed interface Decision {
        record Allowed(SpiffeId identity, String node) implements Decision {}

        record Refused(Reason reason, String detail) implements Decision {}
    }

    private NodeAuthorizer() {}

    /**
     * @param trustedAccounts {@code CA_TRUSTED_NODE_ACCOUNTS} as {@code ns/sa} entries
     * @param caller the authenticated caller
     * @param requested the {@code ImpersonatedIdentity} string
     * @param pods pod facts
     */
    public static Decision decide(Set<String> trustedAccounts, Caller caller, String requested, PodFacts pods) {
        if (trustedAccounts.isEmpty()) {
            return new Decision.Refused(
                    Reason.NOT_CONFIGURED, "impersonation not allowed: CA_TRUSTED_NODE_ACCOUNTS is empty");
        }
        if (!trustedAccounts.contains(caller.account())) {
            return new Decision.Refused(
                    Reason.CALLER_NOT_TRUSTED,
                    "caller " + caller.account() + " is not in CA_TRUSTED_NODE_ACCOUNTS " + trustedAccounts);
        }
        SpiffeId identity;
        try {
            identity = SpiffeId.parse(requested);
        } catch (InvalidIdentityException e) {
            return new Decision.Refused(
                    Reason.INVALID_IDENTITY, "impersonated identity '" + requested + "' is invalid: " + e.getMessage());
        }
        Optional<PodInfo> pod =
                caller.podName().isEmpty() ? Optional.empty() : pods.pod(caller.namespace(), caller.podName());
        if (pod.isEmpty()) {
            return new Decision.Refused(
                    Reason.CALLER_POD_NOT_FOUND,
                    "caller pod '" + caller.namespace() + "/" + caller.podName() + "' not found");
        }
        if (!pod.get().uid().equals(caller.podUid())) {
            return new Decision.Refused(
                    Reason.CALLER_POD_UID_MISMATCH,
                    "caller pod found, but UID " + pod.get().uid() + " does not match the token's " + caller.podUid());
        }
        if (!pod.get().serviceAccount().equals(caller.serviceAccount())) {
            return new Decision.Refused(
                    Reason.CALLER_POD_SERVICE_ACCOUNT_MISMATCH,
                    "caller pod found, but service account " + pod.get().serviceAccount()
                            + " does not match the token's " + caller.serviceAccount());
        }
        String node = pod.get().nodeName();
        if (node.isEmpty() || !pods.hasPodOnNode(identity.namespace(), identity.serviceAccount(), node)) {
            return new Decision.Refused(
                    Reason.NO_POD_ON_NODE,
                    "no instances of " + identity.namespace() + "/" + identity.serviceAccount() + " found on node '"
                            + node + "'");
        }
        return new Decision.Allowed(identity, node);
    }
}
