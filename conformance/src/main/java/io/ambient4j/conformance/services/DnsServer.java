package io.ambient4j.conformance.services;

import io.ambient4j.common.net.Netns;
import io.ambient4j.common.net.NetnsExecutor;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The cluster DNS of one node: UDP port 53 inside the node namespace (pods use their gateway address as
 * nameserver), answering A queries from the current {@link DnsRecords}. Other names get NXDOMAIN; the
 * harness resolves nothing outside the cluster.
 */
public final class DnsServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(DnsServer.class.getName());

    private final DatagramChannel channel;
    private final Supplier<DnsRecords> records;

    private DnsServer(DatagramChannel channel, Supplier<DnsRecords> records) {
        this.channel = channel;
        this.records = records;
    }

    /**
     * Serves on {@code address}:53 in {@code netns}. Bound to that one address, not the wildcard, so every reply
     * leaves from the address the query was sent to: a client in another namespace (the underlay, where istiod
     * runs) would otherwise get the reply from the node's underlay address, and resolvers drop such replies.
     */
    public static DnsServer start(NetnsExecutor executor, String netns, String address, Supplier<DnsRecords> records)
            throws IOException {
        DatagramChannel ch;
        try (Netns ns = Netns.named(netns)) {
            ch = executor.call(ns, DatagramChannel::open);
        }
        ch.bind(new InetSocketAddress(address, 53));
        DnsServer server = new DnsServer(ch, records);
        Thread.ofVirtual().name("dns-" + netns).start(server::serve);
        return server;
    }

    /** The reply to one packet (pure given the records). */
    static byte[] respond(byte[] packet, int length, DnsRecords records) {
        DnsMessage.Query q;
        try {
            q = DnsMessage.parseQuery(packet, length);
        } catch (IllegalArgumentException | java.nio.BufferUnderflowException e) {
            return DnsMessage.formatError(packet, length);
        }
        Optional<List<String>> found = records.lookup(q.name());
        if (found.isEmpty()) {
            return DnsMessage.answer(packet, q, DnsMessage.RCODE_NXDOMAIN, List.of());
        }
        List<String> ips = q.type() == DnsMessage.TYPE_A ? found.get() : List.of();
        return DnsMessage.answer(packet, q, DnsMessage.RCODE_NOERROR, ips);
    }

    private void serve() {
        ByteBuffer buf = ByteBuffer.allocate(1500);
        while (channel.isOpen()) {
            try {
                buf.clear();
                SocketAddress from = channel.receive(buf);
                byte[] reply = respond(buf.array(), buf.position(), records.get());
                channel.send(ByteBuffer.wrap(reply), from);
            } catch (IOException e) {
                if (channel.isOpen()) {
                    LOG.log(Level.WARNING, "dns: {0}", e.getMessage());
                }
            }
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // best effort on shutdown
        }
    }
}
