package io.ambient4j.istiod.kube.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/** Gateway status: a waypoint is usable only once {@code addresses} is set. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GatewayStatus extends Lenient {
    public List<GatewaySpec.GatewayAddress> addresses;
    public List<Condition> conditions;
    public List<Object> listeners;
}
