package io.ambient4j.common.net;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
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
