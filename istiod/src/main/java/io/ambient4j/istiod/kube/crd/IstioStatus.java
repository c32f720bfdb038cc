package io.ambient4j.istiod.kube.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** istio.meta.v1alpha1.IstioStatus: the status block of Istio CRDs (conditions written by istiod). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class IstioStatus extends Lenient {
    public List<IstioCondition> conditions;
    public List<Object> validationMessages;
    public Long observedGeneration;
}
