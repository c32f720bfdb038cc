/**
 * fabric8 model classes for the custom resources ambient reads: security.istio.io/v1 AuthorizationPolicy and
 * PeerAuthentication, networking.istio.io/v1 ServiceEntry and WorkloadEntry, gateway.networking.k8s.io/v1
 * Gateway. JSON field names follow the upstream CRDs exactly; unknown fields are kept aside (see
 * {@link io.ambient4j.istiod.kube.crd.Lenient}) so a newer CRD never breaks parsing.
 */
package io.ambient4j.istiod.kube.crd;
