package io.ambient4j.istiod.kube.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.kubernetes.api.model.Condition;
import java.util.List;

/** GatewayClass status: conditions such as {@code Accepted}; kept so a round trip loses nothing. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class GatewayClassStatus extends Lenient {
    public List<Condition> conditions;
    public List<Object> supportedFeatures;
}
