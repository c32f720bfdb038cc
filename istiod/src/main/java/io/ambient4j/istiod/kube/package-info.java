/**
 * Kubernetes edge of istiod's ambient index: fabric8 informers whose handlers only enqueue, the single
 * writer that applies events to the index ({@link io.ambient4j.istiod.kube.AmbientController}), per-object
 * parsing of custom resources ({@link io.ambient4j.istiod.kube.CrdParser}) and the AuthorizationPolicy
 * status writer (the only place that writes to the API server).
 */
package io.ambient4j.istiod.kube;
