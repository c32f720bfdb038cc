/**
 * Every native call ambient4j makes, behind one seam: network-namespace switching on a dedicated platform
 * thread, the socket options the JDK lacks (SO_MARK, IP_TRANSPARENT, IP_FREEBIND, SO_ORIGINAL_DST), and
 * AF_UNIX SOCK_SEQPACKET sockets that pass one descriptor per message (ZDS). Bound through
 * {@code java.lang.foreign}; 64-bit Linux only.
 */
package io.ambient4j.common.net;
