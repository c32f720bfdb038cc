/**
 * AES-GCM for the JDK's TLS from OpenSSL's libcrypto, through {@code java.lang.foreign}: a JCA provider that the
 * proxies put first at start-up ({@link io.ambient4j.common.tls.openssl.OpenSslProvider#install()}), so each TLS
 * record is sealed and opened in place on one reused cipher context instead of the JDK's per-record engine objects.
 * The handshake, certificates and everything else stay the JDK's; without libcrypto 3 nothing changes.
 */
package io.ambient4j.common.tls.openssl;
