package io.ambient4j.common.hbone;

import java.io.IOException;

/**
 * Why an HBONE tunnel could not be opened or was torn down. {@link #reason()} is stable for callers
 * (access-log flags, metrics); {@link #status()} is the HTTP status the server answered, or 0.
 */
public final class HboneException extends IOException {

    /** Stable failure classes. */
    public enum Reason {
        /** The server answered the CONNECT with a non-200 status (see {@link #status()}). */
        STATUS,
        /** The peer reset the stream (see {@link #errorCode()}). */
        RESET,
        /** The connection ended, failed, or received GOAWAY before the stream completed. */
        CONNECTION_CLOSED,
        /** The peer broke the HTTP/2 protocol (see {@link #errorCode()}). */
        PROTOCOL,
        /** The request was invalid before anything was sent (e.g. a bad authority). */
        BAD_REQUEST,
        /** TLS/ALPN did not negotiate h2. */
        NOT_H2,
        /** The peer did not answer in time (preface, SETTINGS or the CONNECT response). */
        TIMEOUT
    }

    private final Reason reason;
    private final int status;
    private final int errorCode;

    HboneException(Reason reason, int status, int errorCode, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
        this.status = status;
        this.errorCode = errorCode;
    }

    static HboneException status(int status, String authority) {
        return new HboneException(Reason.STATUS, status, 0, "CONNECT " + authority + " answered " + status, null);
    }

    static HboneException reset(int errorCode, String what) {
        return new HboneException(Reason.RESET, 0, errorCode, what + ": stream reset, error code " + errorCode, null);
    }

    /** The stream was never processed by the server (REFUSED_STREAM, or beyond a GOAWAY): safe to retry. */
    static HboneException refused(String why) {
        return new HboneException(Reason.RESET, 0, 0x7, why + ": refused (REFUSED_STREAM)", null);
    }

    static HboneException closed(String message, Throwable cause) {
        return new HboneException(Reason.CONNECTION_CLOSED, 0, 0, message, cause);
    }

    public Reason reason() {
        return reason;
    }

    /** The HTTP status for {@link Reason#STATUS}, else 0. */
    public int status() {
        return status;
    }

    /** The HTTP/2 error code for {@link Reason#RESET} / {@link Reason#PROTOCOL}, else 0. */
    public int errorCode() {
        return errorCode;
    }
}
