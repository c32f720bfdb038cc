package io.ambient4j.istiod.kube.crd;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** telemetry.istio.io/v1alpha1 Telemetry: tracing, metrics and access logging configuration (upstream still stores v1alpha1). */
@Group("telemetry.istio.io")
@Version("v1alpha1")
@Kind("Telemetry")
@Plural("telemetries")
@ShortNames("telemetry")
public class Telemetry extends CustomResource<TelemetrySpec, IstioStatus> implements Namespaced {}
