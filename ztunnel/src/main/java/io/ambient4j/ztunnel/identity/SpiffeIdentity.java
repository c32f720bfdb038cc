package io.ambient4j.ztunnel.identity;

import java.util.Objects;

/**
 * A workload identity {@code spiffe://<trust-domain>/ns/<namespace>/sa/<service-account>}. Kept local to ztunnel
 * until the shared {@code common.identity.SpiffeId} (branch common-tls) lands; then this type should be replaced.
 * Authorization compares namespace and service account from here, and principals against {@link #toString()}.
 */
public record SpiffeIdentity(String trustDomain, String namespace, String serviceAccount) {
    private static final String SCHEME = "spiffe://";

    public SpiffeIdentity {
        Objects.requireNonNull(trustDomain, "trustDomain");
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(serviceAccount, "serviceAccount");
    }

    /**
     * Parses {@code spiffe://td/ns/<ns>/sa/<sa>}.
     *
     * @throws InvalidIdentityException when the URI is not in that form
     */
    public static SpiffeIdentity parse(String uri) {
        if (uri == null || !uri.startsWith(SCHEME)) {
            throw new InvalidIdentityException(uri, "must start with spiffe://");
        }
        String[] p = uri.substring(SCHEME.length()).split("/", -1);
        if (p.length != 5 || !p[1].equals("ns") || !p[3].equals("sa")) {
            throw new InvalidIdentityException(uri, "expected spiffe://<trust-domain>/ns/<namespace>/sa/<account>");
        }
        if (p[0].isEmpty() || p[2].isEmpty() || p[4].isEmpty()) {
            throw new InvalidIdentityException(uri, "empty trust domain, namespace or service account");
        }
        return new SpiffeIdentity(p[0], p[2], p[4]);
    }

    /** The URI form, as carried in a certificate's URI SAN and in {@code source_principal}. */
    @Override
    public String toString() {
        return SCHEME + trustDomain + "/ns/" + namespace + "/sa/" + serviceAccount;
    }
}
