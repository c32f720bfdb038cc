package io.ambient4j.istiod.kube.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Map;

/** istio.networking.v1beta1.ProxyConfig: proxy settings for the selected workloads. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ProxyConfigSpec extends Lenient {
    public WorkloadSelector selector;
    public Integer concurrency;
    public Map<String, String> environmentVariables;
    public ProxyImage image;

    /** {@code imageType}: default, debug, distroless. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public static class ProxyImage extends Lenient {
        public String imageType;
    }
}
