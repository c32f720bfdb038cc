package io.ambient4j.ztunnel.rbac;

import io.ambient4j.common.identity.SpiffeId;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * The facts authorization sees about one connection: the TCP peer, the destination after the target-port rewrite,
 * and the mTLS-verified source identity (absent for plaintext on 15006).
 */
public record Connection(InetSocketAddress source, InetSocketAddress destination, Optional<SpiffeId> sourceIdentity) {
    @Override
    public String toString() {
        return source + "(" + sourceIdentity.map(Object::toString).orElse("None") + ")->" + destination;
    }
}
