package io.ambient4j.common.tls;

/**
 * Text that should have been PEM (a certificate, a private key, a CSR) and is not. Thrown for files and
 * Secrets a user supplied and for peers' PEM, so the message names the expected block type.
 */
public final class PemException extends RuntimeException {

    /** Why the text was refused. Names are stable. */
    public enum Reason {
        /** No {@code -----BEGIN ...-----} block was found (or the input was empty). */
        NO_PEM_BLOCK,
        /** A block was found but of another type (e.g. a key where a certificate was expected). */
        WRONG_TYPE,
        /** The block's base64 or DER content does not decode. */
        MALFORMED,
        /** Exactly one object was expected and there were more. */
        TOO_MANY
    }

    private final Reason reason;

    public PemException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public PemException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
