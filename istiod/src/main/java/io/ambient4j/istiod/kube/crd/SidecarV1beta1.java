package io.ambient4j.istiod.kube.crd;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/** networking.istio.io/v1beta1 Sidecar: sidecar-proxy scoping; kept for CRD parity with upstream (ambient workloads have no sidecar). Served, not stored; same schema as the stored version. */
@Group("networking.istio.io")
@Version(value = "v1beta1", storage = false)
@Kind("Sidecar")
@Plural("sidecars")
public class SidecarV1beta1 extends CustomResource<SidecarSpec, IstioStatus> implements Namespaced {}
