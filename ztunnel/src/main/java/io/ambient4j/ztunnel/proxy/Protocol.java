package io.ambient4j.ztunnel.proxy;

/** How an outbound connection leaves ztunnel. ztunnel never sends LEGACY_ISTIO_MTLS. */
public enum Protocol {
    /** Plain TCP to the destination (not in the mesh, or passthrough). */
    TCP,
    /** One HTTP/2 CONNECT over mTLS to the pod's (or waypoint's) 15008. */
    HBONE,
    /** CONNECT to an east-west gateway, TLS and a second CONNECT inside it (multi-network). */
    DOUBLE_HBONE
}
