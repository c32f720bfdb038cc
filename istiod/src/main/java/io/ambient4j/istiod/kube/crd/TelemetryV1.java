package io.ambient4j.istiod.kube.crd;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** telemetry.istio.io/v1 Telemetry: tracing, metrics and access logging configuration (upstream still stores v1alpha1). Served, not stored; same schema as the stored version. */
@Group("telemetry.istio.io")
@Version(value = "v1", storage = false)
@Kind("Telemetry")
@Plural("telemetries")
@ShortNames("telemetry")
public class TelemetryV1 extends CustomResource<TelemetrySpec, IstioStatus> implements Namespaced {}
