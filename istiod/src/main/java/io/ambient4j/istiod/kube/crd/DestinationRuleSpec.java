package io.ambient4j.istiod.kube.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** istio.networking.v1.DestinationRule: traffic policy and subsets for one host. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DestinationRuleSpec extends Lenient {
    public String host;
    public TrafficPolicy trafficPolicy;
    public List<Subset> subsets;
    public List<String> exportTo;
    public WorkloadSelector workloadSelector;

    /** The policy messages, each kept whole (a plain Object: the schema preserves it whole). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class TrafficPolicy extends Lenient {
        public Object loadBalancer;
        public Object connectionPool;
        public Object outlierDetection;
        public Object tls;
        public List<Object> portLevelSettings;
        public Object tunnel;
        public Object proxyProtocol;
        public Object retryBudget;
    }

    /** A named group of endpoints selected by labels, with its own policy. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Subset extends Lenient {
        public String name;
        public Map<String, String> labels;
        public TrafficPolicy trafficPolicy;
    }
}
