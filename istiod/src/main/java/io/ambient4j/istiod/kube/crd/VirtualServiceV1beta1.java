package io.ambient4j.istiod.kube.crd;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** networking.istio.io/v1beta1 VirtualService: HTTP/TLS/TCP routing rules for hosts; waypoints apply them (alpha in ambient). Served, not stored; same schema as the stored version. */
@Group("networking.istio.io")
@Version(value = "v1beta1", storage = false)
@Kind("VirtualService")
@Plural("virtualservices")
@ShortNames("vs")
public class VirtualServiceV1beta1 extends CustomResource<VirtualServiceSpec, IstioStatus> implements Namespaced {}
