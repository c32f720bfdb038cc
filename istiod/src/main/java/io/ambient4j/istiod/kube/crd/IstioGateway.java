package io.ambient4j.istiod.kube.crd;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** networking.istio.io/v1 Gateway: the Istio (not Gateway API) Gateway: servers exposed by a gateway deployment. */
@Group("networking.istio.io")
@Version("v1")
@Kind("Gateway")
@Plural("gateways")
@ShortNames("gw")
public class IstioGateway extends CustomResource<IstioGatewaySpec, IstioStatus> implements Namespaced {}
