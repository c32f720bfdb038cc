package io.ambient4j.waypoint.http;

/**
 * A request or response that is not acceptable HTTP/1.1, with the status to answer and a stable reason. The
 * connection it arrived on is closed after the answer; nothing else is affected.
 */
public final class HttpException extends Exception {
    /** What was wrong. */
    public enum Reason {
        BAD_REQUEST_LINE(400),
        URI_TOO_LONG(414),
        BAD_HEADER(400),
        HEADERS_TOO_LARGE(431),
        BAD_CONTENT_LENGTH(400),
        BAD_CHUNK(400),
        BODY_TOO_LARGE(413),
        UNSUPPORTED_TRANSFER_ENCODING(501),
        UNSUPPORTED_VERSION(505),
        TRUNCATED(400),
        BAD_RESPONSE(502);

        private final int status;

        Reason(int status) {
            this.status = status;
        }

        public int status() {
            return status;
        }
    }

    private final Reason reason;

    public HttpException(Reason reason, String detail) {
        super(reason + ": " + detail);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }

    /** The status to answer the client with. */
    public int status() {
        return reason.status();
    }
}
