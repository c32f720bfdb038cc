package io.ambient4j.ztunnel.metrics;

/** The access log's {@code direction}. */
public enum Direction {
    OUTBOUND("outbound"),
    INBOUND("inbound");

    private final String label;

    Direction(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
