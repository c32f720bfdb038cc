package io.ambient4j.istiod.kube.crd;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/** networking.istio.io/v1 WorkloadEntry: a non-Kubernetes endpoint that becomes a Workload. */
@Group("networking.istio.io")
@Version("v1")
@Kind("WorkloadEntry")
@Plural("workloadentries")
public class WorkloadEntry extends CustomResource<WorkloadEntrySpec, IstioStatus> implements Namespaced {}
