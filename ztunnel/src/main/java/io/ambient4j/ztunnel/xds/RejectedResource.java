package io.ambient4j.ztunnel.xds;

/** One resource of a push that was not applied, by name, with the reason sent back in the NACK. */
public record RejectedResource(String name, String reason) {
    @Override
    public String toString() {
        return name + ": " + reason;
    }
}
