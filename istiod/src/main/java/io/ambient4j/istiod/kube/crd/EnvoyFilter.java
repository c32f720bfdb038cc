package io.ambient4j.istiod.kube.crd;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/** networking.istio.io/v1alpha3 EnvoyFilter: raw Envoy configuration patches; shipped for CRD parity, not supported on waypoints. */
@Group("networking.istio.io")
@Version("v1alpha3")
@Kind("EnvoyFilter")
@Plural("envoyfilters")
public class EnvoyFilter extends CustomResource<EnvoyFilterSpec, IstioStatus> implements Namespaced {}
