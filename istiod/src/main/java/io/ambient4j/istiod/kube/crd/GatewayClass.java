package io.ambient4j.istiod.kube.crd;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * gateway.networking.k8s.io/v1 GatewayClass (cluster-scoped). Ambient reads only its labels: an
 * {@code istio.io/waypoint-for} label on the class is the default traffic type of every waypoint Gateway of
 * that class that does not set the label itself (spec §7.1).
 */
@Group("gateway.networking.k8s.io")
@Version("v1")
@Kind("GatewayClass")
@Plural("gatewayclasses")
public class GatewayClass extends CustomResource<GatewayClassSpec, GatewayClassStatus> {}
