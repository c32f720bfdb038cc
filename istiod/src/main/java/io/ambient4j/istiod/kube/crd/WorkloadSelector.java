package io.ambient4j.istiod.kube.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** istio.type.v1beta1.WorkloadSelector: {@code matchLabels} only. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WorkloadSelector extends Lenient {
    public Map<String, String> matchLabels;

    public WorkloadSelector() {}

    public WorkloadSelector(Map<String, String> matchLabels) {
        this.matchLabels = matchLabels;
    }
}
