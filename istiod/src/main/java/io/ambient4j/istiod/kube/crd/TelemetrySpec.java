package io.ambient4j.istiod.kube.crd;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/** istio.telemetry.v1.Telemetry: tracing, metrics and access-log settings for a scope. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class TelemetrySpec extends Lenient {
    public WorkloadSelector selector;
    public PolicyTargetReference targetRef;
    public List<PolicyTargetReference> targetRefs;
    public List<Object> tracing;
    public List<Object> metrics;
    public List<Object> accessLogging;
}
