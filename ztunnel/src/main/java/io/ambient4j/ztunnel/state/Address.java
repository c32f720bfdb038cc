package io.ambient4j.ztunnel.state;

/** What an IP or hostname resolves to in the proxy state: a workload or a service. */
public sealed interface Address permits Workload, Service {
    /** The xDS resource name (workload uid, or {@code <namespace>/<hostname>} of a service). */
    String resourceName();
}
