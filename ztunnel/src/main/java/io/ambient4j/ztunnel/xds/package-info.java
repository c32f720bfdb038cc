/**
 * The delta ADS client toward istiod: transport, node identity, ACK/NACK and reconnects. It hands decoded resources
 * to the state package and keeps no state of its own beyond the versions it echoes on reconnect.
 */
package io.ambient4j.ztunnel.xds;
