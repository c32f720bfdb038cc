package io.ambient4j.ztunnel.dns;

import io.ambient4j.ztunnel.dns.DnsMessage.Question;
import io.ambient4j.ztunnel.dns.DnsMessage.ResourceRecord;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An upstream resolver for tests, UDP and TCP on one port: {@code upstream.example.com} → 7.7.7.7;
 * {@code big.example.com} → 100 A records, truncated (TC) over UDP; {@code slow.example.com} is never answered;
 * anything else NXDOMAIN. Records who asked, over which transport.
 */
public final class FakeResolver implements AutoCloseable {
    final DatagramChannel udp;
    final ServerSocketChannel tcp;
    /** {@code <transport> <name> from <ip>} per query received. */
    public final List<String> seen = new CopyOnWriteArrayList<>();

    /** A resolver serving on already bound channels (e.g. opened inside a network namespace). */
    public FakeResolver(DatagramChannel udp, ServerSocketChannel tcp) {
        this.udp = udp;
        this.tcp = tcp;
        Thread.ofVirtual().start(this::serveUdp);
        Thread.ofVirtual().start(this::serveTcp);
    }

    /** Binds UDP to a free port on 127.0.0.1, then TCP to the same port. */
    static FakeResolver onLoopback() throws IOException {
        for (int tries = 0; ; tries++) {
            DatagramChannel u = DatagramChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
            try {
                ServerSocketChannel t = ServerSocketChannel.open()
                        .bind(new InetSocketAddress("127.0.0.1", ((InetSocketAddress) u.getLocalAddress()).getPort()));
                return new FakeResolver(u, t);
            } catch (IOException e) {
                u.close();
                if (tries > 20) {
                    throw e;
                }
            }
        }
    }

    public InetSocketAddress address() throws IOException {
        return (InetSocketAddress) udp.getLocalAddress();
    }

    private void serveUdp() {
        ByteBuffer buf = ByteBuffer.allocate(65535);
        while (udp.isOpen()) {
            try {
                buf.clear();
                SocketAddress from = udp.receive(buf);
                buf.flip();
                byte[] q = new byte[buf.remaining()];
                buf.get(q);
                byte[] r = answer(q, "udp", from);
                if (r != null) {
                    udp.send(ByteBuffer.wrap(r), from);
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serveTcp() {
        while (tcp.isOpen()) {
            try {
                SocketChannel c = tcp.accept();
                Thread.ofVirtual().start(() -> {
                    try (c) {
                        byte[] q;
                        while ((q = TcpFraming.read(c)) != null) {
                            byte[] r = answer(q, "tcp", c.getRemoteAddress());
                            if (r == null) {
                                continue; // never answered: the client times out
                            }
                            TcpFraming.write(c, r);
                        }
                    } catch (IOException e) {
                        // client went away
                    }
                });
            } catch (IOException e) {
                return;
            }
        }
    }

    private byte[] answer(byte[] raw, String transport, SocketAddress from) throws IOException {
        DnsMessage q;
        try {
            q = DnsCodec.decode(raw);
        } catch (DnsFormatException e) {
            return null;
        }
        Question question = q.questions().getFirst();
        String name = question.name().key();
        seen.add(transport + " " + name + " from "
                + ((InetSocketAddress) from).getAddress().getHostAddress());
        int flags = 0x8180;
        List<ResourceRecord> answers = new ArrayList<>();
        switch (name) {
            case "upstream.example.com" ->
                answers.add(ResourceRecord.a(question.name(), 60, (Inet4Address) InetAddress.getByName("7.7.7.7")));
            case "big.example.com" -> {
                for (int i = 0; i < 100; i++) {
                    answers.add(ResourceRecord.a(question.name(), 60, (Inet4Address)
                            InetAddress.getByAddress(new byte[] {10, 1, 0, (byte) i})));
                }
            }
            case "slow.example.com" -> {
                return null;
            }
            default -> flags |= DnsMessage.RCODE_NXDOMAIN;
        }
        DnsMessage r = new DnsMessage(q.id(), flags, q.questions(), answers, List.of(), List.of());
        return transport.equals("udp") ? DnsCodec.encode(r, 512) : DnsCodec.encode(r);
    }

    @Override
    public void close() throws IOException {
        udp.close();
        tcp.close();
    }
}
