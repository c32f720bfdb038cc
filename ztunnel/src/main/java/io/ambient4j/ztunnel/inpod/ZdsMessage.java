package io.ambient4j.ztunnel.inpod;

import io.ambient4j.common.net.OwnedFd;

/**
 * One decoded request from the node agent (ambient-spec §5.2). Protobufs stop at {@link ZdsDecoder}; the
 * state machine sees only these values. An {@link Add} owns the netns descriptor that came with it.
 */
public sealed interface ZdsMessage {
    /** Start (or keep) the pod's proxy; {@code netns} is the pod's network namespace. */
    record Add(String uid, String name, String namespace, String serviceAccount, OwnedFd netns) implements ZdsMessage {}

    /** Keep an existing proxy through the snapshot (the agent has no netns handle for the pod). */
    record Keep(String uid) implements ZdsMessage {}

    /** Tear the pod's proxy down at once. */
    record Del(String uid) implements ZdsMessage {}

    /** The snapshot is complete: drain every proxy neither added nor kept. */
    record SnapshotSent() implements ZdsMessage {}
}
