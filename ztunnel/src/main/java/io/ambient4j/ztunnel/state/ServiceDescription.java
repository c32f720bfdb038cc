package io.ambient4j.ztunnel.state;

/** The service a connection was meant for, as metrics and the access log name it. */
public record ServiceDescription(String hostname, String name, String namespace) {
    public static ServiceDescription of(Service s) {
        return new ServiceDescription(s.hostname(), s.name(), s.namespace());
    }
}
