package io.ambient4j.istiod.kube.crd;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * gateway.networking.k8s.io/v1 HTTPRoute, reduced to what a waypoint needs: parents (a Service for GAMMA, or the
 * waypoint Gateway), matches, filters, backends, timeouts and retry. The CRD is the user's (Gateway API install),
 * never shipped by ambient4j.
 */
@Group("gateway.networking.k8s.io")
@Version("v1")
@Kind("HTTPRoute")
@Plural("httproutes")
public class HTTPRoute extends CustomResource<HTTPRouteSpec, HTTPRouteStatus> implements Namespaced {}
