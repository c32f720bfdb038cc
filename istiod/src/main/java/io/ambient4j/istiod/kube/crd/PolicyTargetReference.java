package io.ambient4j.istiod.kube.crd;

import com.fasterxml.jackson.annotation.JsonInclude;

/** istio.type.v1beta1.PolicyTargetReference; a policy carrying any of these is a waypoint's, never ztunnel's. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PolicyTargetReference extends Lenient {
    public String group;
    public String kind;
    public String name;
    public String namespace;
}
