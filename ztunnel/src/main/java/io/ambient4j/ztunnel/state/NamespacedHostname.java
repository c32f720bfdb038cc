package io.ambient4j.ztunnel.state;

/** A service hostname with its namespace; its {@link #key()} is the xDS resource name of a Service. */
public record NamespacedHostname(String namespace, String hostname) implements GatewayAddress.Destination {
    /** {@code <namespace>/<hostname>}. */
    public String key() {
        return namespace + "/" + hostname;
    }

    /**
     * Parses a key as used in {@code Workload.services}.
     *
     * @throws IllegalArgumentException when there is no {@code /}
     */
    public static NamespacedHostname parse(String key) {
        int slash = key.indexOf('/');
        if (slash < 0) {
            throw new IllegalArgumentException("expected <namespace>/<hostname>, got \"" + key + "\"");
        }
        return new NamespacedHostname(key.substring(0, slash), key.substring(slash + 1));
    }

    @Override
    public String toString() {
        return key();
    }
}
