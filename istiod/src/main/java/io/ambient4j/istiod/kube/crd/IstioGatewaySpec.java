package io.ambient4j.istiod.kube.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** istio.networking.v1.Gateway: the gateway pods ({@code selector}) and the servers they expose. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class IstioGatewaySpec extends Lenient {
    public Map<String, String> selector;
    public List<Server> servers;

    /** One listening port with its hosts and TLS settings. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Server extends Lenient {
        public PortSelector port;
        public String bind;
        public List<String> hosts;
        public Object tls;
        public String name;
        public String defaultEndpoint;
    }
}
