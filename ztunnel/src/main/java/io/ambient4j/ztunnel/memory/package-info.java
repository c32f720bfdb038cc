/**
 * Giving memory back to the node: a per-node proxy's heap grows under bursts of connections and, with the serial
 * collector, only shrinks at a full collection, so the idle trim asks for one once the node has gone quiet.
 */
package io.ambient4j.ztunnel.memory;
