package io.ambient4j.ztunnel.rbac;

/** The two actions ztunnel enforces at L4 (AUDIT and CUSTOM need a waypoint and are never sent). */
public enum PolicyAction {
    ALLOW,
    DENY
}
