/**
 * Routing decisions as pure functions over a state snapshot: {@link io.ambient4j.ztunnel.proxy.OutboundRequest}
 * (where a captured connection goes and how) and {@link io.ambient4j.ztunnel.proxy.InboundRequest} (whether an HBONE
 * CONNECT is accepted, with the status to answer otherwise). Sockets and HBONE I/O build on these.
 */
package io.ambient4j.ztunnel.proxy;
