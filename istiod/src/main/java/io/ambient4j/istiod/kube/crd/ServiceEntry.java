package io.ambient4j.istiod.kube.crd;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.Version;

/** networking.istio.io/v1 ServiceEntry: one ambient Service per host, plus inline endpoint Workloads. */
@Group("networking.istio.io")
@Version("v1")
@Kind("ServiceEntry")
@Plural("serviceentries")
public class ServiceEntry extends CustomResource<ServiceEntrySpec, ServiceEntryStatus> implements Namespaced {}
