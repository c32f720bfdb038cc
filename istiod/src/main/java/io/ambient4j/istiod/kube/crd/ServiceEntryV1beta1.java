package io.ambient4j.istiod.kube.crd;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** networking.istio.io/v1beta1 ServiceEntry: the served older version, so that the base chart serves every upstream version. Served, not stored; same schema as v1. */
@Group("networking.istio.io")
@Version(value = "v1beta1", storage = false)
@Kind("ServiceEntry")
@ShortNames("se")
@Plural("serviceentries")
public class ServiceEntryV1beta1 extends CustomResource<ServiceEntrySpec, ServiceEntryStatus> implements Namespaced {}
