package io.ambient4j.ztunnel.metrics;

/** Why a connection ended badly, as the {@code response_flags} label writes it ({@code -} for none). */
public enum ResponseFlags {
    NONE("-"),
    /** Denied by authorization policy. */
    DENY("DENY"),
    /** The upstream connect failed. */
    CONNECT("CONNECT"),
    TLS_FAILURE("TLS_FAILURE"),
    H2_HANDSHAKE_FAILURE("H2_HANDSHAKE_FAILURE"),
    NETWORK_POLICY("NETWORK_POLICY"),
    IDENTITY_ERROR("IDENTITY_ERROR"),
    CERT_REVOKED("CERT_REVOKED");

    private final String label;

    ResponseFlags(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
