/**
 * Mesh workload identities (SPIFFE IDs): the names certificates carry, HBONE peers check and
 * authorization policies match. Parsed strictly because they often come from the network.
 */
package io.ambient4j.common.identity;
