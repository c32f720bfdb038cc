package io.ambient4j.istiod.kube.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** istio.extensions.v1alpha1.TrafficExtension: a Wasm or Lua extension, where it runs and in which phase. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TrafficExtensionSpec extends Lenient {
    public WorkloadSelector selector;
    public List<PolicyTargetReference> targetRefs;
    public String phase;
    public Integer priority;
    public List<WasmPluginSpec.TrafficSelector> match;
    public Object wasm;
    public Lua lua;

    /** Lua source given inline. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class Lua extends Lenient {
        public String inlineCode;
    }
}
