package io.ambient4j.istiod.kube.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** istio.networking.v1.WorkloadGroup: metadata and a WorkloadEntry template for auto-registered VMs. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WorkloadGroupSpec extends Lenient {
    public ObjectMetadata metadata;
    public WorkloadEntrySpec template;
    public Object probe;

    /** Labels and annotations copied onto every generated WorkloadEntry. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ObjectMetadata extends Lenient {
        public Map<String, String> labels;
        public Map<String, String> annotations;
    }
}
