package io.ambient4j.ztunnel.rbac;

/** Where a policy applies: mesh-wide, one namespace, or workloads that list it by name. */
public enum PolicyScope {
    GLOBAL,
    NAMESPACE,
    WORKLOAD_SELECTOR
}
