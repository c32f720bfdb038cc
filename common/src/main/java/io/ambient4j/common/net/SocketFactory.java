package io.ambient4j.common.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * The seam between proxy logic and the kernel: where a socket is created (which netns) and which
 * native options it carries. Code that opens listeners or upstream connections takes a factory, so
 * tests can run it on plain loopback sockets and production runs it inside pod namespaces.
 */
public interface SocketFactory {
    /** Opens, binds and listens a TCP socket. */
    ServerSocketChannel listen(InetSocketAddress address, int backlog) throws IOException;

    /** Opens a UDP socket and binds it (a datagram server, e.g. the per-pod DNS proxy). */
    DatagramChannel bindUdp(InetSocketAddress address) throws IOException;

    /**
     * Opens an unbound UDP socket for the family of {@code destination} and connects it there (a datagram client,
     * e.g. DNS forwarding to an upstream resolver).
     */
    DatagramChannel connectUdp(InetSocketAddress destination) throws IOException;

    /** Opens a TCP socket and connects it (blocking). */
    SocketChannel connect(InetSocketAddress destination) throws IOException;

    /**
     * Connects from {@code source} when the kernel allows it (IP_TRANSPARENT/freebind in a pod netns, or a local
     * address), so the application sees the original client IP; otherwise connects unbound. Returns the connected
     * channel; {@link #spoofed} tells which happened.
     */
    default SocketChannel connectFrom(InetSocketAddress destination, java.net.InetAddress source) throws IOException {
        return connect(destination);
    }

    /** Whether a channel from {@link #connectFrom} carries the requested source address. */
    static boolean spoofed(SocketChannel channel, java.net.InetAddress source) {
        try {
            return channel.getLocalAddress() instanceof InetSocketAddress a
                    && a.getAddress().equals(source);
        } catch (IOException e) {
            return false;
        }
    }

    /** Plain JDK sockets in the caller's namespace, no native options. */
    static SocketFactory plain() {
        return new PlainSocketFactory();
    }

    /**
     * Sockets created inside {@code netns} (via {@code executor}) carrying SO_MARK {@code mark}. Listeners
     * also get SO_REUSEPORT and, best effort, IP_TRANSPARENT: the in-pod ztunnel recipe.
     */
    static SocketFactory inNetns(NetnsExecutor executor, Netns netns, int mark) {
        return new InNetnsSocketFactory(executor, netns, mark, SocketOptions.create());
    }
}
