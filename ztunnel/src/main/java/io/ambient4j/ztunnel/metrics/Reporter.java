package io.ambient4j.ztunnel.metrics;

/** Which side reports a connection: the client's ztunnel ({@code source}) or the server's ({@code destination}). */
public enum Reporter {
    SOURCE("source"),
    DESTINATION("destination");

    private final String label;

    Reporter(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }
}
