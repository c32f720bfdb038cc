package io.ambient4j.istiod.kube.crd;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** networking.istio.io/v1alpha3 Gateway: the Istio (not Gateway API) Gateway: servers exposed by a gateway deployment. Served, not stored; same schema as the stored version. */
@Group("networking.istio.io")
@Version(value = "v1alpha3", storage = false)
@Kind("Gateway")
@Plural("gateways")
@ShortNames("gw")
public class IstioGatewayV1alpha3 extends CustomResource<IstioGatewaySpec, IstioStatus> implements Namespaced {}
