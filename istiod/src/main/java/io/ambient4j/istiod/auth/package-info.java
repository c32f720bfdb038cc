/**
 * Who is calling: the bearer token from gRPC metadata, reviewed by the Kubernetes API server (TokenReview,
 * audience {@code istio-ca}); the verdict on the review is a pure function.
 */
package io.ambient4j.istiod.auth;
