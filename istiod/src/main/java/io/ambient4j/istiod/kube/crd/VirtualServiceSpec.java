package io.ambient4j.istiod.kube.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** istio.networking.v1.VirtualService: routing for {@code hosts}, HTTP rules first, then TLS and TCP. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class VirtualServiceSpec extends Lenient {
    public List<String> hosts;
    public List<String> gateways;
    public List<HttpRoute> http;
    public List<L4Route> tls;
    public List<L4Route> tcp;
    public List<String> exportTo;

    /** One HTTP rule: conditions, destinations and the request/response changes. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class HttpRoute extends Lenient {
        public String name;
        public List<Object> match;
        public List<Object> route;
        public Object redirect;
        public Object directResponse;
        public Object delegate;
        public Object rewrite;
        public String timeout;
        public Object retries;
        public Object fault;
        public Object mirror;
        public List<Object> mirrors;
        public Object mirrorPercentage;
        public Object corsPolicy;
        public Object headers;
    }

    /** A TLS (SNI) or TCP rule: conditions and weighted destinations. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class L4Route extends Lenient {
        public List<Object> match;
        public List<Object> route;
    }
}
