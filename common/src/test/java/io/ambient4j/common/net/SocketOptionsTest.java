package io.ambient4j.common.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class SocketOptionsTest {
    private final SocketOptions options = SocketOptions.create();

    @Test
    void markIsSetAndReadBack() throws Exception {
        RequireRoot.check();
        try (SocketChannel ch = SocketChannel.open()) {
            assertThat(options.mark(ch)).isZero();
            options.setMark(ch, 0x539);
            assertThat(options.mark(ch)).isEqualTo(0x539);
        }
    }

    @Test
    void transparentFreebindAndReusePortAreAccepted() throws Exception {
        RequireRoot.check();
        try (ServerSocketChannel server = ServerSocketChannel.open();
                SocketChannel ch = SocketChannel.open()) {
            options.setReusePort(server);
            options.setTransparent(server);
            options.setFreebind(ch);
            // FREEBIND lets us bind an address this host does not have.
            ch.bind(new InetSocketAddress(InetAddress.getByName("192.0.2.77"), 0));
            assertThat(((InetSocketAddress) ch.getLocalAddress()).getAddress().getHostAddress())
                    .isEqualTo("192.0.2.77");
        }
    }

    @Test
    void originalDestinationWithoutNatIsAClearError() throws Exception {
        try (ServerSocketChannel server = ServerSocketChannel.open()) {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            try (SocketChannel client = SocketChannel.open(server.getLocalAddress());
                    SocketChannel accepted = server.accept()) {
                assertThat(client.isConnected()).isTrue();
                assertThatThrownBy(() -> options.originalDestination(accepted))
                        .isInstanceOf(NetException.class)
                        .hasMessageContaining("SO_ORIGINAL_DST")
                        .hasMessageContaining("errno");
            }
        }
    }

    @Test
    void fdOfClosedChannelIsRejected() throws Exception {
        SocketChannel ch = SocketChannel.open();
        assertThat(options.fdOf(ch)).isPositive();
        ch.close();
        assertThatThrownBy(() -> options.fdOf(ch))
                .isInstanceOf(NetException.class)
                .satisfies(e -> assertThat(((NetException) e).reason()).isEqualTo(NetException.Reason.CLOSED));
    }

    @Test
    void openOfMissingNetnsNamesErrno() {
        assertThatThrownBy(() -> Netns.open(Path.of("/var/run/netns/a4j-definitely-missing")))
                .isInstanceOf(NetException.class)
                .hasMessageContaining("No such file or directory");
        assertThatThrownBy(() -> Netns.named("../etc"))
                .isInstanceOf(NetException.class)
                .hasMessageContaining("bad netns name");
    }
}
