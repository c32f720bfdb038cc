package io.ambient4j.common.tls;

/**
 * Mesh TLS material or a TLS peer that cannot be used: a CA bundle whose key does not match its
 * certificate, a chain that does not reach the roots, a peer without a SPIFFE identity. Callers branch
 * on the stable {@link #reason()}; the message says what was seen and what was expected.
 */
public final class TlsException extends RuntimeException {

    /** Why the material or peer was refused. Names are stable. */
    public enum Reason {
        /** CA certificate, key or roots are inconsistent (key mismatch, not a CA, chain does not verify). */
        BAD_CA_MATERIAL,
        /** A certificate or key is of a kind this mesh does not use. */
        UNSUPPORTED_KEY,
        /** The peer presented no certificate, or no single SPIFFE URI SAN. */
        NO_PEER_IDENTITY,
        /** A certificate chain does not verify against the configured roots. */
        UNTRUSTED_CHAIN,
        /** An issued certificate names another identity than the one requested. */
        WRONG_IDENTITY,
        /** A certificate does not belong to the private key it is paired with. */
        KEY_MISMATCH,
        /** The JDK or BouncyCastle failed on material that had already been accepted. */
        CRYPTO_FAILURE
    }

    private final Reason reason;

    public TlsException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public TlsException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() {
        return reason;
    }
}
