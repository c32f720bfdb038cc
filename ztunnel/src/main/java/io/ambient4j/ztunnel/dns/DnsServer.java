package io.ambient4j.ztunnel.dns;

import io.ambient4j.common.net.SocketFactory;
import io.ambient4j.ztunnel.dns.DnsHandler.Transport;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;

/**
 * One pod's DNS proxy: UDP and TCP listeners on each bind address, opened through the pod's {@link SocketFactory}
 * (in-pod: inside the pod netns, marked, SO_REUSEPORT), served on virtual threads: one reader per UDP socket and one
 * thread per query; one acceptor per TCP listener and one thread per connection, which may carry several queries
 * until it idles out. Closing releases the ports at once.
 */
public final class DnsServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DnsServer.class.getName());
    private static final int BACKLOG = 128;
    private static final int MAX_DATAGRAM = 65_535;
    /** UDP queries in flight per pod before new ones are dropped (a client flood must not grow threads unbounded). */
    static final int MAX_IN_FLIGHT = 1024;

    private final DnsHandler handler;
    private final Duration tcpIdle;
    private final String name;
    private final List<DatagramChannel> udp = new ArrayList<>();
    private final List<ServerSocketChannel> tcp = new ArrayList<>();
    private final List<Thread> loops = new ArrayList<>();
    private final Set<SocketChannel> connections = ConcurrentHashMap.newKeySet();
    private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);

    private DnsServer(DnsHandler handler, Duration tcpIdle, String name) {
        this.handler = handler;
        this.tcpIdle = tcpIdle;
        this.name = name;
    }

    /**
     * Binds every address of {@code settings} (a best-effort one, [::1], is skipped when the pod has no IPv6
     * loopback) and starts serving.
     *
     * @throws IOException when a required address cannot be bound (the pod's proxy then does not start)
     */
    public static DnsServer start(DnsSettings settings, DnsHandler handler, SocketFactory sockets, String name)
            throws IOException {
        DnsServer s = new DnsServer(handler, settings.tcpIdleTimeout(), name);
        try {
            for (DnsSettings.Bind b : settings.binds()) {
                DatagramChannel u;
                ServerSocketChannel t;
                try {
                    u = sockets.bindUdp(b.address());
                } catch (IOException e) {
                    if (b.required()) {
                        throw e;
                    }
                    LOG.log(
                            Level.DEBUG,
                            "DNS proxy for {0}: not listening on {1}: {2}",
                            name,
                            b.address(),
                            e.getMessage());
                    continue;
                }
                s.udp.add(u);
                try {
                    t = sockets.listen(b.address(), BACKLOG);
                } catch (IOException e) {
                    if (b.required()) {
                        throw e;
                    }
                    LOG.log(Level.DEBUG, "DNS proxy for {0}: no TCP on {1}: {2}", name, b.address(), e.getMessage());
                    continue;
                }
                s.tcp.add(t);
            }
            for (DatagramChannel u : s.udp) {
                s.loops.add(Thread.ofVirtual().name("dns-udp-" + name).start(() -> s.serveUdp(u)));
            }
            for (ServerSocketChannel t : s.tcp) {
                s.loops.add(Thread.ofVirtual().name("dns-tcp-" + name).start(() -> s.serveTcp(t)));
            }
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
        LOG.log(Level.DEBUG, "DNS proxy for {0} on udp {1} tcp {2}", name, s.udpAddresses(), s.tcpAddresses());
        return s;
    }

    /** Where UDP is served (tests bind port 0). */
    public List<InetSocketAddress> udpAddresses() {
        return udp.stream().map(DnsServer::local).flatMap(Optional::stream).toList();
    }

    /** Where TCP is served. */
    public List<InetSocketAddress> tcpAddresses() {
        return tcp.stream().map(DnsServer::local).flatMap(Optional::stream).toList();
    }

    private static Optional<InetSocketAddress> local(java.nio.channels.NetworkChannel c) {
        try {
            return Optional.ofNullable((InetSocketAddress) c.getLocalAddress());
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    private void serveUdp(DatagramChannel ch) {
        ByteBuffer buf = ByteBuffer.allocate(MAX_DATAGRAM);
        while (ch.isOpen()) {
            SocketAddress from;
            byte[] query;
            try {
                buf.clear();
                from = ch.receive(buf);
                buf.flip();
                query = new byte[buf.remaining()];
                buf.get(query);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "DNS proxy for {0}: UDP receive failed: {1}", name, e.getMessage());
                continue;
            }
            if (!inFlight.tryAcquire()) {
                LOG.log(Level.WARNING, "DNS proxy for {0}: {1} queries in flight, dropping one", name, MAX_IN_FLIGHT);
                continue;
            }
            SocketAddress client = from;
            Thread.ofVirtual().name("dns-query-" + name).start(() -> {
                try {
                    Optional<byte[]> reply = handler.handle(query, Transport.UDP);
                    if (reply.isPresent()) {
                        ch.send(ByteBuffer.wrap(reply.get()), client);
                    }
                } catch (IOException e) {
                    LOG.log(
                            Level.DEBUG,
                            "DNS proxy for {0}: UDP reply to {1} failed: {2}",
                            name,
                            client,
                            e.getMessage());
                } catch (RuntimeException e) {
                    LOG.log(Level.ERROR, "DNS proxy for " + name + ": query handling failed", e);
                } finally {
                    inFlight.release();
                }
            });
        }
    }

    private void serveTcp(ServerSocketChannel server) {
        while (server.isOpen()) {
            SocketChannel c;
            try {
                c = server.accept();
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.log(Level.DEBUG, "DNS proxy for {0}: accept failed: {1}", name, e.getMessage());
                continue;
            }
            connections.add(c);
            Thread.ofVirtual().name("dns-conn-" + name).start(() -> serveConnection(c));
        }
    }

    private void serveConnection(SocketChannel c) {
        try (c) {
            // Reads through the socket adaptor honour SO_TIMEOUT: an idle client is let go.
            c.socket().setSoTimeout((int) tcpIdle.toMillis());
            var in = Channels.newChannel(c.socket().getInputStream());
            while (true) {
                byte[] query = TcpFraming.read(in);
                if (query == null) {
                    return;
                }
                Optional<byte[]> reply = handler.handle(query, Transport.TCP);
                if (reply.isEmpty()) {
                    return;
                }
                TcpFraming.write(c, reply.get());
            }
        } catch (java.net.SocketTimeoutException | AsynchronousCloseException e) {
            // idle or closed by close()
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "DNS proxy for {0}: TCP client: {1}", name, e.getMessage());
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "DNS proxy for " + name + ": query handling failed", e);
        } finally {
            connections.remove(c);
        }
    }

    /** Closes the listeners (ports free when this returns) and every open client connection. */
    @Override
    public void close() {
        for (DatagramChannel u : udp) {
            closeQuietly(u);
        }
        for (ServerSocketChannel t : tcp) {
            closeQuietly(t);
        }
        for (Thread t : loops) {
            try {
                t.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        for (SocketChannel c : List.copyOf(connections)) {
            closeQuietly(c);
        }
    }

    private static void closeQuietly(java.nio.channels.Channel c) {
        try {
            c.close();
        } catch (IOException e) {
            LOG.log(Level.DEBUG, "closing DNS socket: {0}", e.getMessage());
        }
    }
}
