package io.ambient4j.common.net;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/** JDK sockets only; the test and non-Linux stand-in for the native seam. */
final class PlainSocketFactory implements SocketFactory {
    @Override
    public ServerSocketChannel listen(InetSocketAddress address, int backlog) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.bind(address, backlog);
            return server;
        } catch (IOException e) {
            server.close();
            throw e;
        }
    }

    @Override
    public DatagramChannel bindUdp(InetSocketAddress address) throws IOException {
        DatagramChannel channel = DatagramChannel.open(family(address));
        try {
            channel.bind(address);
            return channel;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public DatagramChannel connectUdp(InetSocketAddress destination) throws IOException {
        DatagramChannel channel = DatagramChannel.open(family(destination));
        try {
            channel.connect(destination);
            return channel;
        } catch (IOException e) {
            channel.close();
            throw e;
        }
    }

    static StandardProtocolFamily family(InetSocketAddress address) {
        return address.getAddress() instanceof Inet4Address
                ? StandardProtocolFamily.INET
                : StandardProtocolFamily.INET6;
    }

    /** Binds to {@code source} when it is an address of this host (e.g. another 127/8 address), else unbound. */
    @Override
    public SocketChannel connectFrom(InetSocketAddress destination, java.net.InetAddress source) throws IOException {
        SocketChannel channel = SocketChannel.open();
        try {
            try {
                channel.bind(new InetSocketAddress(source, 0));
            } catch (java.net.BindException e) {
                channel.close();
                return connect(destination);
            }
            channel.connect(destination);
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    @Override
    public SocketChannel connect(InetSocketAddress destination) throws IOException {
        return SocketChannel.open(destination);
    }
}
