package io.ambient4j.cni.zds;

import java.io.IOException;

/** A ZDS exchange failed; the reason is stable so callers can tell a slow peer from a broken one. */
public final class ZdsException extends IOException {
    /** Why a ZDS exchange failed. */
    public enum Reason {
        /** Bytes that are not the expected protobuf message. */
        MALFORMED,
        /** A message above the 1024-byte datagram limit. */
        TOO_LARGE,
        /** A descriptor arrived where none is allowed, or one was missing. */
        BAD_FD,
        /** A valid message that is not allowed at this point (e.g. a hello with an unknown version). */
        PROTOCOL,
        /** The peer did not answer within the deadline. */
        TIMEOUT,
        /** The connection is gone. */
        DISCONNECTED,
        /** No ztunnel is connected to receive the message. */
        NO_ZTUNNEL
    }

    private final Reason reason;

    public ZdsException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public ZdsException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
