package io.ambient4j.ztunnel.dns;

/**
 * A DNS message that cannot be decoded. The server answers FORMERR when the header was readable and drops the
 * message otherwise; {@link #reason()} is stable for tests and counters.
 */
public final class DnsFormatException extends Exception {
    private static final long serialVersionUID = 1L;

    /** What was wrong with the bytes. */
    public enum Reason {
        /** Fewer than the 12 header bytes. */
        SHORT_HEADER,
        /** A section ends before its counts say it should. */
        TRUNCATED,
        /** A label type other than a plain label or a pointer, or a label longer than 63 bytes. */
        BAD_LABEL,
        /** A compression pointer that does not point backwards to an earlier label. */
        BAD_POINTER,
        /** A name longer than 255 bytes on the wire. */
        NAME_TOO_LONG,
        /** Record data whose length does not fit its type (e.g. an A record that is not 4 bytes). */
        BAD_RDATA,
        /** Not exactly one question in a query. */
        QUESTION_COUNT
    }

    private final Reason reason;

    public DnsFormatException(Reason reason, String detail) {
        super(reason + ": " + detail);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
