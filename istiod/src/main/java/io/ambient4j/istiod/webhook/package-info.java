/**
 * istiod's validating admission webhook (15017, {@code /validate}): AdmissionReview v1 in and out, with
 * pure per-kind validators for the ambient resources (AuthorizationPolicy, PeerAuthentication, ServiceEntry,
 * WorkloadEntry) so a bad object is refused at {@code kubectl apply} with the field that is wrong.
 */
package io.ambient4j.istiod.webhook;
