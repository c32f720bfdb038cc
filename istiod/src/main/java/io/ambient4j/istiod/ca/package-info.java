/**
 * The mesh CA as istiod runs it: {@code IstioCertificateService} on 15012, the node authorizer for
 * {@code ImpersonatedIdentity} (a pure decision over pod facts), the CA Secrets ({@code cacerts} over
 * {@code istio-ca-secret}), their reload, istiod's own serving certificate, and the
 * {@code istio-ca-root-cert} publisher.
 */
package io.ambient4j.istiod.ca;
