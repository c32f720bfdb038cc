package io.ambient4j.conformance.mesh;

import io.ambient4j.common.net.Netns;
import io.ambient4j.common.net.NetnsExecutor;
import io.ambient4j.common.relay.Relay;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * A TCP relay from a port inside a namespace to an address in the harness's own namespace. The embedded
 * API server listens on the root namespace's loopback, which processes in a node namespace (ztunnel, the
 * CNI agent) cannot reach; this relay gives each node its own {@code 127.0.0.1:6443}, like a node's view
 * of the control plane. The listener is created inside the namespace on the executor's platform thread;
 * accepting and relaying run on virtual threads.
 */
public final class NetnsRelay implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(NetnsRelay.class.getName());

    private final ServerSocketChannel listener;
    private final InetSocketAddress target;

    private NetnsRelay(ServerSocketChannel listener, InetSocketAddress target) {
        this.listener = listener;
        this.target = target;
    }

    /** Listens on {@code 0.0.0.0:port} inside {@code netns} and forwards to {@code target}. */
    public static NetnsRelay start(NetnsExecutor executor, String netns, int port, InetSocketAddress target)
            throws IOException {
        ServerSocketChannel listener;
        try (Netns ns = Netns.named(netns)) {
            listener = executor.call(ns, ServerSocketChannel::open);
        }
        listener.bind(new InetSocketAddress("0.0.0.0", port));
        NetnsRelay relay = new NetnsRelay(listener, target);
        Thread.ofVirtual().name("relay-" + netns).start(relay::acceptLoop);
        return relay;
    }

    private void acceptLoop() {
        while (listener.isOpen()) {
            try {
                SocketChannel client = listener.accept();
                Thread.ofVirtual().start(() -> serve(client));
            } catch (IOException e) {
                if (listener.isOpen()) {
                    LOG.log(Level.WARNING, "relay accept failed: {0}", e.getMessage());
                }
                return;
            }
        }
    }

    private void serve(SocketChannel client) {
        try (client;
                SocketChannel upstream = SocketChannel.open(target)) {
            Relay.relay(client, upstream);
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "relay to {0} failed: {1}", target, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing a listener cannot fail in a way we can act on
        }
    }
}
