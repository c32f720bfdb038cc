package io.ambient4j.common.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** UDP through the socket seam: a datagram server and a connected client, plain and in a netns with the mark. */
class UdpSocketFactoryTest {

    private static String roundTrip(SocketFactory f, String ip) throws Exception {
        try (DatagramChannel server = f.bindUdp(new InetSocketAddress(ip, 0));
                DatagramChannel client = f.connectUdp((InetSocketAddress) server.getLocalAddress())) {
            client.write(ByteBuffer.wrap("ping".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer in = ByteBuffer.allocate(16);
            var from = server.receive(in);
            assertThat(from).isEqualTo(client.getLocalAddress());
            server.send(ByteBuffer.wrap("pong".getBytes(StandardCharsets.US_ASCII)), from);
            ByteBuffer back = ByteBuffer.allocate(16);
            client.read(back);
            return new String(back.array(), 0, back.position(), StandardCharsets.US_ASCII) + "/"
                    + new String(in.array(), 0, in.position(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void plainUdpOnBothFamilies() throws Exception {
        assertThat(roundTrip(SocketFactory.plain(), "127.0.0.1")).isEqualTo("pong/ping");
        assertThat(roundTrip(SocketFactory.plain(), "::1")).isEqualTo("pong/ping");
    }

    @Test
    void inNetnsUdpSocketsCarryTheMarkAndTheServerReusesItsPort() throws Exception {
        RequireRoot.check();
        SocketOptions options = SocketOptions.create();
        try (NetnsExecutor executor = NetnsExecutor.start("udp-test");
                Netns here = Netns.current()) {
            SocketFactory f = SocketFactory.inNetns(executor, here, 0x539);
            assertThat(roundTrip(f, "127.0.0.1")).isEqualTo("pong/ping");
            try (DatagramChannel server = f.bindUdp(new InetSocketAddress("127.0.0.1", 0));
                    DatagramChannel client = f.connectUdp((InetSocketAddress) server.getLocalAddress());
                    DatagramChannel second = f.bindUdp((InetSocketAddress) server.getLocalAddress())) {
                assertThat(options.mark(server)).isEqualTo(0x539);
                assertThat(options.mark(client)).isEqualTo(0x539);
                assertThat(server.getOption(StandardSocketOptions.SO_REUSEPORT)).isTrue();
                assertThat(second.getLocalAddress()).isEqualTo(server.getLocalAddress());
            }
        }
    }
}
