package io.ambient4j.istiod.kube.crd;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** security.istio.io/v1 PeerAuthentication; ztunnel never sees it, istiod converts it to DENY policies. */
@Group("security.istio.io")
@Version("v1")
@Kind("PeerAuthentication")
@ShortNames("pa")
@Plural("peerauthentications")
public class PeerAuthentication extends CustomResource<PeerAuthenticationSpec, IstioStatus> implements Namespaced {}
