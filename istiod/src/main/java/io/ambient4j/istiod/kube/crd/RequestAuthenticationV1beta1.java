package io.ambient4j.istiod.kube.crd;

import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.Kind;
import io.fabric8.kubernetes.model.annotation.Plural;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/** security.istio.io/v1beta1 RequestAuthentication: end-user JWT validation rules for the workloads or targets it selects (waypoints enforce it). Served, not stored; same schema as the stored version. */
@Group("security.istio.io")
@Version(value = "v1beta1", storage = false)
@Kind("RequestAuthentication")
@Plural("requestauthentications")
@ShortNames("ra")
public class RequestAuthenticationV1beta1 extends CustomResource<RequestAuthenticationSpec, IstioStatus>
        implements Namespaced {}
