package io.ambient4j.istiod.kube.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.LabelSelector;
import java.util.List;

/** Gateway spec: the fields ambient reads. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GatewaySpec extends Lenient {
    public String gatewayClassName;
    public List<Listener> listeners;
    public List<GatewayAddress> addresses;

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Listener extends Lenient {
        public String name;
        public String hostname;
        public Integer port;
        public String protocol;
        public AllowedRoutes allowedRoutes;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class AllowedRoutes extends Lenient {
        public RouteNamespaces namespaces;
    }

    /** {@code from}: All, Selector, Same (default). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class RouteNamespaces extends Lenient {
        public String from;
        public LabelSelector selector;
    }

    /** {@code type}: IPAddress (default), Hostname, or a domain-prefixed custom type. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class GatewayAddress extends Lenient {
        public String type;
        public String value;
    }
}
