/**
 * HBONE: TCP tunnelled as HTTP/2 CONNECT streams over mutual TLS on port 15008.
 *
 * <p>Helidon's HTTP/2 server and client cannot carry HBONE (they insist on {@code :path} and
 * {@code :scheme}), so this package has its own small blocking HTTP/2 endpoint built on Helidon's
 * {@code io.helidon.http.http2} HPACK decoder and frame constants. It writes its own frames (one
 * {@code write} per frame, sized to the JDK's TLS records), parses SETTINGS itself and runs its own
 * flow control, because the Helidon equivalents have traps for long-lived tunnels
 * (see {@code hbone-notes.md}).
 *
 * <p>Entry points: {@link io.ambient4j.common.hbone.HboneServer} (inbound, one call per accepted
 * connection), {@link io.ambient4j.common.hbone.HboneClient} (outbound, one per connection) and
 * {@link io.ambient4j.common.hbone.HbonePool} (outbound connections shared per workload key).
 */
package io.ambient4j.common.hbone;
