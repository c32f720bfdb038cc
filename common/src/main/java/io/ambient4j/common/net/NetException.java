package io.ambient4j.common.net;

import java.io.IOException;

/**
 * A native socket or namespace call failed. Carries a stable {@link Reason} so callers can decide (retry,
 * drop the peer, give up) without parsing messages, and the errno with its {@code strerror} text for
 * operators.
 */
public final class NetException extends IOException {
    /** Why a native call failed; stable across releases. */
    public enum Reason {
        /** A system call returned an error; see {@link #errno()}. */
        SYSCALL,
        /** A socket timeout (SO_RCVTIMEO/SO_SNDTIMEO) expired: EAGAIN. */
        TIMEOUT,
        /** The peer closed its end (a zero-length read on a SEQPACKET socket). */
        PEER_CLOSED,
        /** A datagram or its control data did not fit the buffer (MSG_TRUNC or MSG_CTRUNC). */
        TRUNCATED,
        /** Control data other than exactly one SCM_RIGHTS file descriptor. */
        BAD_CONTROL_MESSAGE,
        /** Argument outside what the call accepts (e.g. a datagram above the size limit). */
        INVALID_ARGUMENT,
        /** The object is closed or unusable (e.g. an executor whose thread could not return home). */
        CLOSED
    }

    private final Reason reason;
    private final int errno;

    NetException(Reason reason, int errno, String message) {
        super(message);
        this.reason = reason;
        this.errno = errno;
    }

    static NetException of(Reason reason, String message) {
        return new NetException(reason, 0, message);
    }

    /** The stable failure class. */
    public Reason reason() {
        return reason;
    }

    /** The errno of the failed call, or 0 when the failure was not a system call error. */
    public int errno() {
        return errno;
    }
}
