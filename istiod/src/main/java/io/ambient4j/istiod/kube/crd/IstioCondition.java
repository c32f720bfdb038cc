package io.ambient4j.istiod.kube.crd;

import com.fasterxml.jackson.annotation.JsonInclude;

/** istio.meta.v1alpha1.IstioCondition, the shape istiod writes into {@code status.conditions}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class IstioCondition extends Lenient {
    public String type;
    public String status;
    public String lastProbeTime;
    public String lastTransitionTime;
    public String reason;
    public String message;
    public Long observedGeneration;
}
