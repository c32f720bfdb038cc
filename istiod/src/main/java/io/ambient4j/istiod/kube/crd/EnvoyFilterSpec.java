package io.ambient4j.istiod.kube.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;
import java.util.Map;

/** istio.networking.v1alpha3.EnvoyFilter: patches to generated Envoy configuration. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class EnvoyFilterSpec extends Lenient {
    public Selector workloadSelector;
    public List<PolicyTargetReference> targetRefs;
    public List<ConfigPatch> configPatches;
    public Integer priority;

    /** EnvoyFilter's own selector: {@code labels}, not {@code matchLabels}. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Selector extends Lenient {
        public Map<String, String> labels;
    }

    /** Where ({@code applyTo}, {@code match}) and what ({@code patch}: operation, value, filterClass). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ConfigPatch extends Lenient {
        public String applyTo;
        public Object match;
        public Object patch;
    }
}
