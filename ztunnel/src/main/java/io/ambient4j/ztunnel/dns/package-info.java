/**
 * The per-pod DNS proxy (ambient-spec §10): a DNS message codec of our own (RFC 1035), the pure decision "answer
 * from xDS state or forward", the forwarder to the resolvers in ztunnel's resolv.conf, and the UDP/TCP server that
 * each pod's proxy opens on {@code localhost:15053} inside the pod's network namespace.
 */
package io.ambient4j.ztunnel.dns;
