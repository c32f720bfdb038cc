/**
 * Code every ambient4j component shares: SPIFFE identities, the mesh CA and mutual TLS, HBONE, native
 * socket calls behind one seam, and the byte relay.
 */
package io.ambient4j.common;
