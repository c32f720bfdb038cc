package io.ambient4j.istiod.kube.crd;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * gateway.networking.k8s.io/v1 Gateway, reduced to what ambient needs to find waypoints: class, listeners,
 * addresses, and the status addresses that mark a waypoint as ready.
 */
@Group("gateway.networking.k8s.io")
@Version("v1")
@Kind("Gateway")
@Plural("gateways")
public class Gateway extends CustomResource<GatewaySpec, GatewayStatus> implements Namespaced {}
