package io.ambient4j.istiod.kube.crd;

import com.fasterxml.jackson.annotation.JsonInclude;

/** istio.networking.v1.Port (Gateway servers, Sidecar listeners): {@code number}, {@code protocol}, {@code name}, {@code targetPort}. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class PortSelector extends Lenient {
    public Integer number;
    public String protocol;
    public String name;
    public Integer targetPort;
}
