package io.ambient4j.istiod.kube.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** istio.networking.v1.Sidecar: what a sidecar proxy listens on and may reach. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class SidecarSpec extends Lenient {
    public EnvoyFilterSpec.Selector workloadSelector;
    public List<IngressListener> ingress;
    public List<EgressListener> egress;
    public Object inboundConnectionPool;
    public OutboundTrafficPolicy outboundTrafficPolicy;

    /** An inbound port and where its traffic goes. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class IngressListener extends Lenient {
        public PortSelector port;
        public String bind;
        public String captureMode;
        public String defaultEndpoint;
        public Object tls;
        public Object connectionPool;
    }

    /** The hosts reachable through an outbound port (or all ports). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class EgressListener extends Lenient {
        public PortSelector port;
        public String bind;
        public String captureMode;
        public List<String> hosts;
    }

    /** {@code mode}: REGISTRY_ONLY or ALLOW_ANY, and an optional egress proxy. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class OutboundTrafficPolicy extends Lenient {
        public String mode;
        public Object egressProxy;
    }
}
