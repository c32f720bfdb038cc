package io.ambient4j.istiod.kube.crd;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** networking.istio.io/v1alpha3 DestinationRule: traffic policy (load balancing, connection pool, outlier detection, TLS) and subsets for a host; applied by waypoints. Served, not stored; same schema as the stored version. */
@Group("networking.istio.io")
@Version(value = "v1alpha3", storage = false)
@Kind("DestinationRule")
@Plural("destinationrules")
@ShortNames("dr")
public class DestinationRuleV1alpha3 extends CustomResource<DestinationRuleSpec, IstioStatus> implements Namespaced {}
