package io.ambient4j.waypoint.proxy;

/**
 * Forwarding to a backend failed before a response arrived; {@link #reason()} decides the status sent to the client
 * and whether a retry policy may try again.
 */
final class UpstreamException extends Exception {
    enum Reason {
        /** The chosen service has no usable endpoint: 503 {@code UH}. */
        NO_HEALTHY_UPSTREAM(503, "UH"),
        /** Dialling or the HBONE CONNECT failed: 503 {@code UF}, retryable as connect-failure. */
        CONNECT_FAILED(503, "UF"),
        /** The connection failed after the request was sent: 503 {@code UC}. */
        RESET(503, "UC"),
        /** The per-try or request timeout passed: 504 {@code UT}. */
        TIMEOUT(504, "UT"),
        /** The backend answered something that is not HTTP/1.1: 502 {@code UPE}. */
        PROTOCOL(502, "UPE");

        final int status;
        final String flag;

        Reason(int status, String flag) {
            this.status = status;
            this.flag = flag;
        }
    }

    private final Reason reason;

    UpstreamException(Reason reason, String message, Throwable cause) {
        super(reason + ": " + message, cause);
        this.reason = reason;
    }

    Reason reason() {
        return reason;
    }
}
