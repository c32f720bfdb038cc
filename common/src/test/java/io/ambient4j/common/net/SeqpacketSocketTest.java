package io.ambient4j.common.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeqpacketSocketTest {
    @TempDir
    Path dir;

    private SeqpacketListener listener;
    private SeqpacketSocket client;
    private SeqpacketSocket server;

    @BeforeEach
    void connect() throws Exception {
        Path path = dir.resolve("s.sock");
        Files.writeString(path, "stale"); // a leftover file must not stop bind
        listener = SeqpacketListener.bind(path, 4, Duration.ofMillis(200));
        client = SeqpacketSocket.connect(path);
        server = listener.accept();
        client.setTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5));
        server.setTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    @AfterEach
    void close() throws Exception {
        client.close();
        server.close();
        listener.close();
    }

    @Test
    void keepsMessageBoundaries() throws Exception {
        client.send("one".getBytes(StandardCharsets.UTF_8), Optional.empty());
        client.send("two!".getBytes(StandardCharsets.UTF_8), Optional.empty());
        Datagram first = server.receive(1024);
        Datagram second = server.receive(1024);
        assertThat(new String(first.payload(), StandardCharsets.UTF_8)).isEqualTo("one");
        assertThat(new String(second.payload(), StandardCharsets.UTF_8)).isEqualTo("two!");
        assertThat(first.fd()).isEmpty();
    }

    @Test
    void C026_passesExactlyOneNetnsFd() throws Exception {
        try (Netns own = Netns.open(Path.of("/proc/self/ns/net"))) {
            server.send(new byte[] {1, 2, 3}, Optional.of(own.fd()));
            Datagram got = client.receive(1024);
            assertThat(got.payload()).containsExactly(1, 2, 3);
            assertThat(got.fd()).isPresent();
            try (OwnedFd received = got.fd().orElseThrow()) {
                assertThat(received.value()).isNotEqualTo(own.fd().value());
                long inode = Netns.inodeOf(Path.of("/proc/self/fd", Integer.toString(received.value())));
                assertThat(inode).isEqualTo(Netns.inodeOf(Path.of("/proc/self/ns/net")));
                // MSG_CMSG_CLOEXEC: the received descriptor must not leak into child processes.
                String flags =
                        Files.readAllLines(Path.of("/proc/self/fdinfo", Integer.toString(received.value()))).stream()
                                .filter(l -> l.startsWith("flags:"))
                                .findFirst()
                                .orElseThrow();
                int octal = Integer.parseInt(flags.substring("flags:".length()).trim(), 8);
                assertThat(octal & 02000000).as("O_CLOEXEC on received fd").isNotZero();
            }
        }
    }

    @Test
    void oversizedDatagramIsTruncationError() throws Exception {
        client.send(new byte[1500], Optional.empty());
        assertThatThrownBy(() -> server.receive(1024))
                .isInstanceOf(NetException.class)
                .satisfies(e -> assertThat(((NetException) e).reason()).isEqualTo(NetException.Reason.TRUNCATED))
                .hasMessageContaining("longer than 1024");
        client.send(new byte[] {9}, Optional.empty());
        assertThat(server.receive(1024).payload()).containsExactly(9);
    }

    @Test
    void readDeadlineIsTimeout() throws Exception {
        server.setTimeouts(Duration.ofMillis(50), Duration.ofSeconds(1));
        assertThatThrownBy(() -> server.receive(1024))
                .isInstanceOf(NetException.class)
                .satisfies(e -> assertThat(((NetException) e).reason()).isEqualTo(NetException.Reason.TIMEOUT))
                .hasMessageContaining("Resource temporarily unavailable");
    }

    @Test
    void peerCloseIsDetectedByProbeAndRead() throws Exception {
        assertThat(server.peerClosed()).isFalse();
        client.send(new byte[] {7}, Optional.empty());
        assertThat(server.peerClosed()).as("pending data is not EOF").isFalse();
        assertThat(server.receive(1024).payload()).containsExactly(7);
        client.close();
        assertThat(server.peerClosed()).isTrue();
        assertThatThrownBy(() -> server.receive(1024))
                .isInstanceOf(NetException.class)
                .satisfies(e -> assertThat(((NetException) e).reason()).isEqualTo(NetException.Reason.PEER_CLOSED));
    }

    @Test
    void acceptTimesOutWithoutAClient() {
        assertThatThrownBy(() -> listener.accept())
                .isInstanceOf(NetException.class)
                .satisfies(e -> assertThat(((NetException) e).reason()).isEqualTo(NetException.Reason.TIMEOUT));
    }

    @Test
    void connectToMissingPathNamesTheError() {
        assertThatThrownBy(() -> SeqpacketSocket.connect(dir.resolve("nope.sock")))
                .isInstanceOf(NetException.class)
                .hasMessageContaining("connect: No such file or directory (errno 2)");
    }

    @Test
    void closedListenerRemovesItsFile() throws Exception {
        Path path = listener.path();
        assertThat(path).exists();
        listener.close();
        assertThat(path).doesNotExist();
    }
}
