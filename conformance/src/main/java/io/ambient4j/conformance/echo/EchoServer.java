package io.ambient4j.conformance.echo;

import io.ambient4j.common.net.Netns;
import io.ambient4j.common.net.NetnsExecutor;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The echo app of one pod: every container port served inside the pod's namespace. Listeners are opened
 * on the executor's platform thread inside the namespace (only {@code socket()} has to happen there);
 * accepting and serving run on virtual threads, one per connection.
 */
public final class EchoServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(EchoServer.class.getName());
    private static final byte[] H2_PREFACE_START = "PRI ".getBytes(StandardCharsets.US_ASCII);

    /** One port to serve. */
    public record Port(String name, int port) {}

    private final String pod;
    private final String namespace;
    private final List<ServerSocketChannel> listeners = new ArrayList<>();
    private final Set<SocketChannel> open = ConcurrentHashMap.newKeySet();

    private EchoServer(String pod, String namespace) {
        this.pod = pod;
        this.namespace = namespace;
    }

    /** Opens and serves {@code ports} inside the named netns. */
    public static EchoServer start(
            NetnsExecutor executor, String netnsName, String pod, String namespace, List<Port> ports)
            throws IOException {
        try (Netns netns = Netns.named(netnsName)) {
            return serve(pod, namespace, ports, () -> executor.call(netns, ServerSocketChannel::open));
        }
    }

    /**
     * Opens and serves {@code ports} in this process's own namespace: the echo image, where the container's network
     * is the pod's.
     */
    public static EchoServer startHere(String pod, String namespace, List<Port> ports) throws IOException {
        return serve(pod, namespace, ports, ServerSocketChannel::open);
    }

    private static EchoServer serve(
            String pod, String namespace, List<Port> ports, NetnsExecutor.Task<ServerSocketChannel> open)
            throws IOException {
        EchoServer server = new EchoServer(pod, namespace);
        try {
            for (Port p : ports) {
                ServerSocketChannel listener = open.run();
                server.listeners.add(listener);
                String bind = EchoProtocol.loopbackOnly(p.name()) ? "127.0.0.1" : "0.0.0.0";
                listener.bind(new InetSocketAddress(bind, p.port()), 128);
                EchoProtocol protocol = EchoProtocol.forPortName(p.name());
                Thread.ofVirtual()
                        .name("echo-" + pod + "-" + p.port())
                        .start(() -> server.accept(listener, p, protocol));
            }
        } catch (IOException | RuntimeException e) {
            server.close();
            throw e;
        }
        return server;
    }

    private void accept(ServerSocketChannel listener, Port port, EchoProtocol protocol) {
        while (listener.isOpen()) {
            SocketChannel conn;
            try {
                conn = listener.accept();
            } catch (IOException e) {
                return;
            }
            open.add(conn);
            Thread.ofVirtual().start(() -> {
                try (conn) {
                    InetSocketAddress peer = (InetSocketAddress) conn.getRemoteAddress();
                    EchoHttpHandlers.Who who = new EchoHttpHandlers.Who(
                            pod, namespace, port.port(), peer.getAddress().getHostAddress(), peer.getPort());
                    switch (protocol) {
                        case HTTP -> serveHttp(conn, who);
                        case HTTPS -> serveHttps(conn, who);
                        case TCP -> echo(conn);
                        case SERVER_FIRST -> {
                            write(conn, greeting(who).getBytes(StandardCharsets.UTF_8));
                            echo(conn);
                        }
                    }
                } catch (IOException e) {
                    LOG.log(Level.DEBUG, "echo connection on {0}:{1} ended: {2}", pod, port.port(), e.getMessage());
                } finally {
                    open.remove(conn);
                }
            });
        }
    }

    /** The first line a server-first port sends (pure). */
    static String greeting(EchoHttpHandlers.Who who) {
        return "Hostname=" + who.pod() + " IP=" + who.peerIp() + "\n";
    }

    private static void echo(SocketChannel conn) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
        while (conn.read(buf) >= 0) {
            buf.flip();
            while (buf.hasRemaining()) {
                conn.write(buf);
            }
            buf.clear();
        }
        conn.shutdownOutput();
    }

    private static void serveHttp(SocketChannel conn, EchoHttpHandlers.Who who) throws IOException {
        ByteBuffer buf = ByteBuffer.allocate(16 * 1024);
        // Decide HTTP/1.1 vs. h2c prior knowledge from the first four bytes.
        while (buf.position() < H2_PREFACE_START.length) {
            if (conn.read(buf) < 0) {
                return;
            }
        }
        boolean h2 = true;
        for (int i = 0; i < H2_PREFACE_START.length; i++) {
            h2 &= buf.get(i) == H2_PREFACE_START[i];
        }
        EmbeddedChannel ch = h2
                ? new EmbeddedChannel(Http2FrameCodecBuilder.forServer().build(), new EchoHttpHandlers.Http2(who))
                : new EmbeddedChannel(
                        new HttpServerCodec(), new HttpObjectAggregator(1 << 20), new EchoHttpHandlers.Http1(who));
        pump(ch, conn, buf);
    }

    /** HTTP/1.1 over TLS (upstream's https echo ports): the app terminates TLS itself, the mesh carries it as bytes. */
    private static void serveHttps(SocketChannel conn, EchoHttpHandlers.Who who) throws IOException {
        EmbeddedChannel ch = new EmbeddedChannel(
                ServerTls.context().newHandler(ByteBufAllocator.DEFAULT),
                new HttpServerCodec(),
                new HttpObjectAggregator(1 << 20),
                new EchoHttpHandlers.Http1(who));
        pump(ch, conn, ByteBuffer.allocate(16 * 1024));
    }

    /** Feeds what the connection sends through the channel's handlers and writes their output, until either closes. */
    private static void pump(EmbeddedChannel ch, SocketChannel conn, ByteBuffer buf) throws IOException {
        try {
            while (true) {
                buf.flip();
                ch.writeInbound(Unpooled.copiedBuffer(buf));
                buf.clear();
                drain(ch, conn);
                if (!ch.isOpen() || conn.read(buf) < 0) {
                    break;
                }
            }
        } finally {
            ch.finishAndReleaseAll();
        }
    }

    private static void drain(EmbeddedChannel ch, SocketChannel conn) throws IOException {
        ch.runPendingTasks();
        ByteBuf out;
        while ((out = ch.readOutbound()) != null) {
            try {
                write(conn, ByteBufs.bytes(out));
            } finally {
                out.release();
            }
        }
    }

    private static void write(SocketChannel conn, byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            conn.write(b);
        }
    }

    @Override
    public void close() {
        for (ServerSocketChannel l : listeners) {
            try {
                l.close();
            } catch (IOException ignored) {
                // best effort on shutdown
            }
        }
        for (SocketChannel c : open) {
            try {
                c.close();
            } catch (IOException ignored) {
                // best effort on shutdown
            }
        }
    }
}
