package io.ambient4j.common.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import org.junit.jupiter.api.Test;

class NonBlockingSocketTest {

    @Test
    void sendsUntilTheSocketIsFullThenTakesNothingAndNothingAfterClose() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            SocketChannel sending = SocketChannel.open(server.getLocalAddress());
            try (SocketChannel receiving = server.accept()) {
                NonBlockingSocket sender = NonBlockingSocket.of(sending).orElseThrow();
                byte[] chunk = new byte[64 * 1024];
                long sent = 0;
                int n;
                // The peer reads nothing: the kernel buffers fill and the sender must report 0 instead of blocking.
                while ((n = sender.trySend(chunk, 0, chunk.length)) > 0) {
                    sent += n;
                }
                assertThat(n).isZero();
                assertThat(sent).isPositive();

                sender.close(SocketChannel::close);
                assertThat(sending.isOpen()).isFalse();
                assertThat(sender.trySend(chunk, 0, chunk.length)).isZero();

                long received = 0;
                ByteBuffer buf = ByteBuffer.allocate(64 * 1024);
                int r;
                while ((r = receiving.read(buf.clear())) >= 0) {
                    received += r;
                }
                assertThat(received).isEqualTo(sent);
            }
        }
    }

    @Test
    void sendsFromAnOffsetOfTheArray() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (SocketChannel sending = SocketChannel.open(server.getLocalAddress());
                    SocketChannel receiving = server.accept()) {
                NonBlockingSocket sender = NonBlockingSocket.of(sending).orElseThrow();
                byte[] data = {1, 2, 3, 4, 5, 6};
                assertThat(sender.trySend(data, 2, 3)).isEqualTo(3);
                ByteBuffer buf = ByteBuffer.allocate(3);
                while (buf.hasRemaining()) {
                    receiving.read(buf);
                }
                assertThat(buf.array()).containsExactly(3, 4, 5);
            }
        }
    }
}
