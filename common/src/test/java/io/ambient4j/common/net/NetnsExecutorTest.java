package io.ambient4j.common.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class NetnsExecutorTest {
    private String name;
    private NetnsExecutor executor;

    @BeforeEach
    void createNetns() throws Exception {
        RequireRoot.check();
        name = "a4j-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        run("ip", "netns", "add", name);
        run("ip", "-n", name, "link", "set", "lo", "up");
        executor = NetnsExecutor.start("netns-test");
    }

    @AfterEach
    void deleteNetns() throws Exception {
        if (executor != null) {
            executor.close();
        }
        if (name != null) {
            run("ip", "netns", "del", name);
        }
    }

    @Test
    void taskRunsInsideAndThreadReturnsHome() throws Exception {
        try (Netns pod = Netns.named(name)) {
            long inside = executor.call(pod, () -> Netns.inodeOf(Path.of("/proc/thread-self/ns/net")));
            assertThat(inside)
                    .isEqualTo(pod.inode())
                    .isNotEqualTo(executor.home().inode());
            long after = executor.call(executor.home(), () -> Netns.inodeOf(Path.of("/proc/thread-self/ns/net")));
            assertThat(after).isEqualTo(executor.home().inode());
        }
    }

    @Test
    void childProcessStartedInsideSeesPodLinksOnly() throws Exception {
        try (Netns pod = Netns.named(name)) {
            Process p = executor.call(
                    pod,
                    () -> new ProcessBuilder("ip", "-o", "link", "show")
                            .redirectErrorStream(true)
                            .start());
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(out.strip().lines()).hasSize(1).allMatch(l -> l.contains(": lo:"));
        }
    }

    @Test
    void listenerFromFactoryLivesInThePodAndCarriesTheMark() throws Exception {
        try (Netns pod = Netns.named(name)) {
            SocketFactory factory = SocketFactory.inNetns(executor, pod, 0x539);
            try (ServerSocketChannel server =
                    factory.listen(new InetSocketAddress(InetAddress.getLoopbackAddress(), 15001), 16)) {
                assertThat(SocketOptions.create().mark(server)).isEqualTo(0x539);
                // From the host's loopback nothing listens on 15001 ...
                assertThatThrownBy(() -> SocketChannel.open(new InetSocketAddress("127.0.0.1", 15001)))
                        .isInstanceOf(IOException.class);
                // ... but a socket created in the pod reaches it.
                try (SocketChannel client = factory.connect(new InetSocketAddress("127.0.0.1", 15001));
                        SocketChannel accepted = server.accept()) {
                    client.write(ByteBuffer.wrap("hi".getBytes(StandardCharsets.UTF_8)));
                    ByteBuffer buf = ByteBuffer.allocate(2);
                    while (buf.hasRemaining() && accepted.read(buf) >= 0) {
                        // read until both bytes are in
                    }
                    assertThat(new String(buf.array(), StandardCharsets.UTF_8)).isEqualTo("hi");
                    assertThat(SocketOptions.create().mark(accepted)).isEqualTo(0x539);
                }
            }
        }
    }

    @Test
    void closedExecutorRefusesWork() throws Exception {
        try (Netns pod = Netns.named(name)) {
            executor.close();
            assertThatThrownBy(() -> executor.call(pod, () -> 1))
                    .isInstanceOf(NetException.class)
                    .hasMessageContaining("closed");
            executor = null;
        }
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(List.of(cmd)).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
