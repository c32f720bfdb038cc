package io.ambient4j.istiod.kube.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** HTTPRoute status: per-parent conditions (kept opaque; istiod does not write them yet). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class HTTPRouteStatus extends Lenient {
    public List<Object> parents;
}
