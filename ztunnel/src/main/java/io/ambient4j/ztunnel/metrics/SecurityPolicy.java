package io.ambient4j.ztunnel.metrics;

/** {@code mutual_tls} for HBONE, {@code unknown} for plaintext and passthrough. */
public enum SecurityPolicy {
    UNKNOWN("unknown"),
    MUTUAL_TLS("mutual_tls");

    private final String label;

    SecurityPolicy(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
