package io.ambient4j.istiod.kube.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** istio.extensions.v1alpha1.WasmPlugin: a Wasm module, where it runs and its configuration. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class WasmPluginSpec extends Lenient {
    public WorkloadSelector selector;
    public PolicyTargetReference targetRef;
    public List<PolicyTargetReference> targetRefs;
    public String url;
    public String sha256;
    public String imagePullPolicy;
    public String imagePullSecret;
    public String verificationKey;
    public Object pluginConfig;
    public String pluginName;
    public String phase;
    public Integer priority;
    public VmConfig vmConfig;
    public List<TrafficSelector> match;
    public String type;
    public String failStrategy;

    /** Environment for the Wasm VM. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class VmConfig extends Lenient {
        public List<EnvVar> env;
    }

    /** {@code valueFrom}: INLINE or HOST. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class EnvVar extends Lenient {
        public String name;
        public String value;
        public String valueFrom;
    }

    /** {@code mode} (CLIENT, SERVER, ...) and ports the plugin applies to. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class TrafficSelector extends Lenient {
        public String mode;
        public List<PortNumber> ports;
    }

    /** A port by number. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class PortNumber extends Lenient {
        public Integer number;
    }
}
