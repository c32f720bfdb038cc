package io.ambient4j.istiod.kube.crd;

import com.fasterxml.jackson.annotation.JsonInclude;

/** GatewayClass spec: the controller that owns the class ({@code istio.io/mesh-controller} for waypoints). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GatewayClassSpec extends Lenient {
    public String controllerName;
    public String description;
    public Object parametersRef;
}
