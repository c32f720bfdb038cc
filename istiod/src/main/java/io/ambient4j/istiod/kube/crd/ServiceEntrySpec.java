package io.ambient4j.istiod.kube.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** istio.networking.v1.ServiceEntry spec. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServiceEntrySpec extends Lenient {
    public List<String> hosts;
    public List<String> addresses;
    public List<ServicePort> ports;
    /** MESH_EXTERNAL, MESH_INTERNAL. */
    public String location;
    /** NONE, STATIC, DNS, DNS_ROUND_ROBIN, DYNAMIC_DNS. */
    public String resolution;

    public List<WorkloadEntrySpec> endpoints;
    public WorkloadSelectorLabels workloadSelector;
    public List<String> exportTo;
    public List<String> subjectAltNames;

    /** {@code workloadSelector.labels} (note: {@code labels}, not {@code matchLabels}). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class WorkloadSelectorLabels extends Lenient {
        public Map<String, String> labels;
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ServicePort extends Lenient {
        public Integer number;
        public String protocol;
        public String name;
        public Integer targetPort;
    }
}
