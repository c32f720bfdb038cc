package io.ambient4j.cni.zds;

import io.ambient4j.common.net.Netns;
import java.util.Objects;
import java.util.Optional;

/**
 * One enrolled pod as the ZDS server knows it. A pod without an open netns (the agent restarted and has
 * not reopened it) is still announced, as {@code KeepWorkload}, so ztunnel keeps its existing proxy.
 */
public record ZdsPod(String uid, WorkloadIdentity identity, Optional<Netns> netns) {
    public ZdsPod {
        Objects.requireNonNull(uid, "uid");
        Objects.requireNonNull(identity, "identity");
        Objects.requireNonNull(netns, "netns");
        if (uid.isBlank()) {
            throw new IllegalArgumentException("pod uid must not be blank");
        }
    }
}
