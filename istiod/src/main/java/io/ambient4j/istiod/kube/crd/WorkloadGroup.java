package io.ambient4j.istiod.kube.crd;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** networking.istio.io/v1 WorkloadGroup: a template for WorkloadEntries of VMs that register themselves. */
@Group("networking.istio.io")
@Version("v1")
@Kind("WorkloadGroup")
@Plural("workloadgroups")
@ShortNames("wg")
public class WorkloadGroup extends CustomResource<WorkloadGroupSpec, IstioStatus> implements Namespaced {}
