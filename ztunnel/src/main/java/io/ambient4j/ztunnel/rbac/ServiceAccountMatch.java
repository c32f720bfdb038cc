package io.ambient4j.ztunnel.rbac;

import io.ambient4j.common.identity.SpiffeId;
import java.util.Optional;

/** Source namespace and service account, both exact; a connection without identity never matches. */
public record ServiceAccountMatch(String namespace, String serviceAccount) {
    boolean matches(Optional<SpiffeId> id) {
        return id.map(i -> i.namespace().equals(namespace) && i.serviceAccount().equals(serviceAccount))
                .orElse(false);
    }
}
