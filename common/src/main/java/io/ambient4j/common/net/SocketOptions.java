package io.ambient4j.common.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.NetworkChannel;
import java.nio.channels.SocketChannel;

/**
 * The Linux socket options the mesh needs and the JDK does not offer: the packet mark that keeps
 * ztunnel's own traffic out of the capture rules, transparent/free binding for spoofing the client
 * address toward the app, and the pre-REDIRECT destination of a captured connection. Works on JDK
 * channels so the rest of the code keeps ordinary NIO types.
 */
public interface SocketOptions {
    /** The FFM implementation. Needs {@code --add-opens java.base/sun.nio.ch=ALL-UNNAMED}. */
    static SocketOptions create() {
        return FfmSocketOptions.INSTANCE;
    }

    /** SO_MARK (needs CAP_NET_ADMIN or CAP_NET_RAW). */
    void setMark(NetworkChannel channel, int mark) throws IOException;

    /** Reads SO_MARK back. */
    int mark(NetworkChannel channel) throws IOException;

    /** IP_TRANSPARENT (and IPV6_TRANSPARENT on an IPv6 socket). */
    void setTransparent(NetworkChannel channel) throws IOException;

    /** IP_FREEBIND (and IPV6_FREEBIND on an IPv6 socket). */
    void setFreebind(NetworkChannel channel) throws IOException;

    /** SO_REUSEPORT, so a new ztunnel can bind the same in-pod ports during an upgrade. */
    void setReusePort(NetworkChannel channel) throws IOException;

    /** The destination a captured connection had before nat REDIRECT (SO_ORIGINAL_DST). */
    InetSocketAddress originalDestination(SocketChannel channel) throws IOException;

    /** The kernel descriptor number behind a JDK channel (still owned by the channel). */
    int fdOf(NetworkChannel channel) throws IOException;
}
