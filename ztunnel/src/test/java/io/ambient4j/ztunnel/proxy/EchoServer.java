package io.ambient4j.ztunnel.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;

/** The application in the server pod: echoes every byte, half-closes on EOF, records each caller's address. */
final class EchoServer implements AutoCloseable {
    final BlockingQueue<InetSocketAddress> peers = new LinkedBlockingQueue<>();
    private final ServerSocketChannel server;
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();

    EchoServer(InetSocketAddress bind) throws IOException {
        server = ServerSocketChannel.open().bind(bind);
        Thread.ofVirtual().name("echo-accept").start(this::acceptLoop);
    }

    InetSocketAddress address() throws IOException {
        return (InetSocketAddress) server.getLocalAddress();
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel c = server.accept();
                open.add(c);
                peers.add((InetSocketAddress) c.getRemoteAddress());
                Thread.ofVirtual().name("echo").start(() -> echo(c));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void echo(SocketChannel c) {
        ByteBuffer b = ByteBuffer.allocate(64 * 1024);
        try (c) {
            while (c.read(b) >= 0) {
                b.flip();
                while (b.hasRemaining()) {
                    c.write(b);
                }
                b.clear();
            }
            c.shutdownOutput();
        } catch (IOException e) {
            // the peer reset: nothing to echo any more
        } finally {
            open.remove(c);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (SocketChannel c : open) {
            c.close();
        }
    }
}
