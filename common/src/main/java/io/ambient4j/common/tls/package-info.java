/**
 * The mesh PKI and mutual TLS: PEM, CSRs, the CA istiod runs ({@link io.ambient4j.common.tls.MeshCa}), the
 * client-side check of CA responses, and JDK TLS contexts that verify peers by SPIFFE identity instead
 * of hostname ({@link io.ambient4j.common.tls.Mtls}). Every bad input ends in an exception of this package
 * with a stable reason.
 */
package io.ambient4j.common.tls;
