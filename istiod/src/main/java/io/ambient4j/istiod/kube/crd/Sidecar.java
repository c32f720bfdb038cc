package io.ambient4j.istiod.kube.crd;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/** networking.istio.io/v1 Sidecar: sidecar-proxy scoping; kept for CRD parity with upstream (ambient workloads have no sidecar). */
@Group("networking.istio.io")
@Version("v1")
@Kind("Sidecar")
@Plural("sidecars")
public class Sidecar extends CustomResource<SidecarSpec, IstioStatus> implements Namespaced {}
