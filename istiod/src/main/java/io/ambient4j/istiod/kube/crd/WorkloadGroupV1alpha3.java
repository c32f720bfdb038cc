package io.ambient4j.istiod.kube.crd;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** networking.istio.io/v1alpha3 WorkloadGroup: a template for WorkloadEntries of VMs that register themselves. Served, not stored; same schema as the stored version. */
@Group("networking.istio.io")
@Version(value = "v1alpha3", storage = false)
@Kind("WorkloadGroup")
@Plural("workloadgroups")
@ShortNames("wg")
public class WorkloadGroupV1alpha3 extends CustomResource<WorkloadGroupSpec, IstioStatus> implements Namespaced {}
