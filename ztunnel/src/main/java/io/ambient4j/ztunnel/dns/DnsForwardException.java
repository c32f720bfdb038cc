package io.ambient4j.ztunnel.dns;

/** No upstream resolver answered a forwarded query; the client gets SERVFAIL. */
public final class DnsForwardException extends Exception {
    private static final long serialVersionUID = 1L;

    /** Why the last attempt failed. */
    public enum Reason {
        /** No answer within the resolv.conf timeout. */
        TIMEOUT,
        /** The upstream could not be reached or the connection broke. */
        IO,
        /** The upstream sent something that is not a response to our query. */
        BAD_RESPONSE
    }

    private final Reason reason;

    public DnsForwardException(Reason reason, String detail, Throwable cause) {
        super(reason + ": " + detail, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
