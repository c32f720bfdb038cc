package io.ambient4j.common.tls;

/**
 * A certificate signing request the mesh CA will not sign. CSRs come from workloads over the network,
 * so every way a CSR can be wrong ends here (never in a parser's own exception), with a stable reason
 * the CA service maps to a gRPC status.
 */
public final class CsrException extends RuntimeException {

    /** Why the CSR was refused. Names are stable. */
    public enum Reason {
        /** Larger than {@link Csr#MAX_PEM_LENGTH}. */
        TOO_LARGE,
        /** Not a PEM {@code CERTIFICATE REQUEST}, or its DER does not parse. */
        MALFORMED,
        /** The public key is not ECDSA on P-256. */
        UNSUPPORTED_KEY,
        /** The self-signature does not verify, or uses an algorithm other than ECDSA with SHA-2. */
        BAD_SIGNATURE,
        /** The CSR does not request exactly one valid SPIFFE URI SAN. */
        NO_IDENTITY
    }

    private final Reason reason;

    public CsrException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public CsrException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
