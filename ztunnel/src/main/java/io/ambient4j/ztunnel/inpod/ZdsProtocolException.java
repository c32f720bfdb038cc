package io.ambient4j.ztunnel.inpod;

import java.io.IOException;

/**
 * A ZDS message from the node agent that cannot be accepted: undecodable bytes, a descriptor where none may
 * travel (or none where one must), or a message out of sequence. The stable {@link Reason} lets the client
 * decide between answering with an error Ack and resynchronising through a fresh connection.
 */
public final class ZdsProtocolException extends IOException {
    /** Why the message was refused; stable across releases. */
    public enum Reason {
        /** The datagram is not a {@code WorkloadRequest} protobuf. */
        MALFORMED,
        /** A {@code WorkloadRequest} with no payload set (or one this version does not know). */
        NO_PAYLOAD,
        /** The datagram did not fit the 1024-byte buffer, or its control data was cut. */
        TRUNCATED,
        /** Control data other than a single SCM_RIGHTS descriptor. */
        BAD_CONTROL_MESSAGE,
        /** An AddWorkload without its netns descriptor. */
        MISSING_FD,
        /** A descriptor attached to a message other than AddWorkload. */
        UNEXPECTED_FD,
        /** An AddWorkload without {@code workload_info} or uid, or whose identity is not a valid SPIFFE ID. */
        BAD_WORKLOAD_INFO,
        /** A second SnapshotSent on one connection. */
        SNAPSHOT_TWICE,
        /** A KeepWorkload after the snapshot ended. */
        KEEP_AFTER_SNAPSHOT;

        /** Sequence errors mean both sides disagree about the state: the connection is restarted. */
        public boolean resynchronise() {
            return this == SNAPSHOT_TWICE || this == KEEP_AFTER_SNAPSHOT;
        }
    }

    private final Reason reason;

    public ZdsProtocolException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ZdsProtocolException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    /** The stable failure class. */
    public Reason reason() {
        return reason;
    }
}
