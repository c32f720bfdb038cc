package io.ambient4j.cni.agent;

import java.util.Set;

/** Label and annotation names and values the agent reads and writes; upstream's, so tools interoperate. */
public final class AgentConstants {
    public static final String DATAPLANE_MODE_LABEL = "istio.io/dataplane-mode";
    public static final String DATAPLANE_MODE_AMBIENT = "ambient";
    public static final String DATAPLANE_MODE_NONE = "none";
    public static final String SIDECAR_STATUS_ANNOTATION = "sidecar.istio.io/status";
    public static final String REDIRECTION_ANNOTATION = "ambient.istio.io/redirection";
    public static final String REDIRECTION_ENABLED = "enabled";
    public static final String REDIRECTION_PENDING = "pending";
    public static final String BYPASS_INBOUND_ANNOTATION = "ambient.istio.io/bypass-inbound-capture";
    public static final String DNS_CAPTURE_ANNOTATION = "ambient.istio.io/dns-capture";
    public static final String REROUTE_INTERFACES_ANNOTATION = "istio.io/reroute-virtual-interfaces";
    public static final String LEGACY_KUBEVIRT_ANNOTATION = "traffic.sidecar.istio.io/kubevirtInterfaces";
    /** Chart default for {@code EXCLUDE_NAMESPACES}. */
    public static final Set<String> DEFAULT_EXCLUDED_NAMESPACES = Set.of("kube-system");

    public static final String DEFAULT_SYSTEM_NAMESPACE = "istio-system";

    private AgentConstants() {}
}
