package io.ambient4j.istiod.kube.crd;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** security.istio.io/v1beta1 PeerAuthentication: the served older version, so that the base chart serves every upstream version. Served, not stored; same schema as v1. */
@Group("security.istio.io")
@Version(value = "v1beta1", storage = false)
@Kind("PeerAuthentication")
@ShortNames("pa")
@Plural("peerauthentications")
public class PeerAuthenticationV1beta1 extends CustomResource<PeerAuthenticationSpec, IstioStatus>
        implements Namespaced {}
