package io.ambient4j.istiod.kube.crd;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** security.istio.io/v1 AuthorizationPolicy; converted to L4 {@code istio.security.Authorization} for ztunnel. */
@Group("security.istio.io")
@Version("v1")
@Kind("AuthorizationPolicy")
@ShortNames("ap")
@Plural("authorizationpolicies")
public class AuthorizationPolicy extends CustomResource<AuthorizationPolicySpec, IstioStatus> implements Namespaced {}
