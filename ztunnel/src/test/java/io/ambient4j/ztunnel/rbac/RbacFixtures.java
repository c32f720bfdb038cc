package io.ambient4j.ztunnel.rbac;

import io.ambient4j.common.identity.SpiffeId;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Optional;

/** Connections and policies shared by the RBAC tables. */
final class RbacFixtures {
    static final SpiffeId ID = new SpiffeId("td", "namespace", "account");

    private RbacFixtures() {}

    static InetSocketAddress sa(String ip, int port) {
        try {
            return new InetSocketAddress(InetAddress.getByName(ip), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    /** mTLS: td/ns/namespace/sa/account, 127.0.0.1:1234 → 127.0.0.2:8080 (C085's TLS connection). */
    static Connection tls() {
        return new Connection(sa("127.0.0.1", 1234), sa("127.0.0.2", 8080), Optional.of(ID));
    }

    /** The same connection without a peer identity (plaintext on 15006). */
    static Connection plaintext() {
        return new Connection(sa("127.0.0.1", 1234), sa("127.0.0.2", 8080), Optional.empty());
    }

    static Connection from(SpiffeId id, int dstPort) {
        return new Connection(sa("10.0.0.1", 40000), sa("10.0.0.2", dstPort), Optional.ofNullable(id));
    }

    static IpNet net(String ip, int len) {
        try {
            return IpNet.of(InetAddress.getByName(ip).getAddress(), len);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    static Authorization policy(String name, PolicyAction action, List<List<List<RbacMatch>>> rules) {
        return new Authorization(name, "ns", PolicyScope.NAMESPACE, action, rules, false);
    }

    /** One rule, one clause, one match. */
    static Authorization single(String name, PolicyAction action, RbacMatch m) {
        return policy(name, action, List.of(List.of(List.of(m))));
    }

    static Authorization dryRun(Authorization p) {
        return new Authorization(p.name(), p.namespace(), p.scope(), p.action(), p.rules(), true);
    }

    static StringMatch exact(String s) {
        return new StringMatch.Exact(s);
    }

    static StringMatch presence() {
        return new StringMatch.Presence();
    }
}
