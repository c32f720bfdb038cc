package io.ambient4j.common.net;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/** Creates each socket inside a pod namespace, then configures and uses it from the calling thread. */
final class InNetnsSocketFactory implements SocketFactory {
    private static final System.Logger LOG = System.getLogger(InNetnsSocketFactory.class.getName());

    private final NetnsExecutor executor;
    private final Netns netns;
    private final int mark;
    private final SocketOptions options;

    InNetnsSocketFactory(NetnsExecutor executor, Netns netns, int mark, SocketOptions options) {
        this.executor = executor;
        this.netns = netns;
        this.mark = mark;
        this.options = options;
    }

    @Override
    public ServerSocketChannel listen(InetSocketAddress address, int backlog) throws IOException {
        ServerSocketChannel server = executor.call(netns, ServerSocketChannel::open);
        try {
            options.setReusePort(server);
            server.bind(address, backlog);
            options.setMark(server, mark);
            try {
                options.setTransparent(server);
            } catch (NetException e) {
                LOG.log(Level.DEBUG, "IP_TRANSPARENT not available on listener {0}: {1}", address, e.getMessage());
            }
            return server;
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
    }

    /** A UDP server socket inside the pod netns, marked, with SO_REUSEPORT so an upgraded ztunnel can overlap. */
    @Override
    public DatagramChannel bindUdp(InetSocketAddress address) throws IOException {
        DatagramChannel channel = executor.call(netns, () -> DatagramChannel.open(PlainSocketFactory.family(address)));
        try {
            options.setReusePort(channel);
            channel.bind(address);
            options.setMark(channel, mark);
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** A UDP client socket inside the pod netns carrying the mark, so the pod's own redirect rules skip it. */
    @Override
    public DatagramChannel connectUdp(InetSocketAddress destination) throws IOException {
        DatagramChannel channel =
                executor.call(netns, () -> DatagramChannel.open(PlainSocketFactory.family(destination)));
        try {
            options.setMark(channel, mark);
            channel.connect(destination);
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /**
     * Inside the pod netns with IP_TRANSPARENT, bound to the client's IP, so the app sees the real caller; when the
     * kernel refuses (no CAP_NET_ADMIN, or no local route for the address) it falls back to an unbound connect.
     */
    @Override
    public SocketChannel connectFrom(InetSocketAddress destination, java.net.InetAddress source) throws IOException {
        SocketChannel channel = executor.call(netns, SocketChannel::open);
        try {
            options.setMark(channel, mark);
            try {
                options.setTransparent(channel);
                channel.bind(new InetSocketAddress(source, 0));
            } catch (IOException e) {
                LOG.log(
                        Level.DEBUG,
                        "cannot connect from {0} (falling back to the pod address): {1}",
                        source,
                        e.getMessage());
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
        SocketChannel channel = executor.call(netns, SocketChannel::open);
        try {
            options.setMark(channel, mark);
            channel.connect(destination);
            return channel;
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }
}
