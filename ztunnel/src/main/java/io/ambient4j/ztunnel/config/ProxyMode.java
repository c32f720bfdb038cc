package io.ambient4j.ztunnel.config;

/** Whether this ztunnel serves every enrolled pod on the node (shared) or one workload (dedicated). */
public enum ProxyMode {
    SHARED,
    DEDICATED
}
