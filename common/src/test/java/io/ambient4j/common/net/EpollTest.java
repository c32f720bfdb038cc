package io.ambient4j.common.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The epoll seam with real loopback sockets: readiness by token, pausing, wake-ups, EOF, resets and close. */
class EpollTest {
    private final List<AutoCloseable> open = new ArrayList<>();

    @AfterEach
    void close() throws Exception {
        for (AutoCloseable c : open.reversed()) {
            c.close();
        }
    }

    private SocketChannel[] pair(ServerSocketChannel server) throws Exception {
        SocketChannel a = SocketChannel.open(server.getLocalAddress());
        SocketChannel b = server.accept();
        open.add(a);
        open.add(b);
        return new SocketChannel[] {a, b};
    }

    private ServerSocketChannel server() throws Exception {
        ServerSocketChannel s = ServerSocketChannel.open();
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        open.add(s);
        return s;
    }

    private static Set<Long> ready(Epoll set, int timeoutMillis) throws NetException {
        int n = set.await(timeoutMillis);
        Set<Long> tokens = new HashSet<>();
        for (int i = 0; i < n; i++) {
            tokens.add(set.token(i));
        }
        return tokens;
    }

    @Test
    void reportsTheTokenOfTheSocketWithInputAndReadsItWithoutBlocking() throws Exception {
        ServerSocketChannel server = server();
        SocketChannel[] one = pair(server);
        SocketChannel[] two = pair(server);
        Epoll set = Epoll.open(8);
        open.add(set);
        NonBlockingSocket.ReceiveState state = new NonBlockingSocket.ReceiveState();
        open.add(state);
        NonBlockingSocket s1 = NonBlockingSocket.of(one[1]).orElseThrow();
        NonBlockingSocket s2 = NonBlockingSocket.of(two[1]).orElseThrow();
        s1.register(set, 11, () -> {});
        s2.register(set, 22, () -> {});
        byte[] buf = new byte[64];
        assertThat(ready(set, 0)).isEmpty();
        assertThat(s1.tryReceive(state, buf, 0, buf.length)).isZero(); // nothing there: 0, not a block

        two[0].write(ByteBuffer.wrap(new byte[] {1, 2, 3}));
        assertThat(ready(set, 10_000)).containsExactly(22L);
        assertThat(s2.tryReceive(state, buf, 5, 10)).isEqualTo(3);
        assertThat(buf[5]).isEqualTo((byte) 1);
        assertThat(buf[7]).isEqualTo((byte) 3);
        assertThat(ready(set, 0)).isEmpty(); // level-triggered: drained means quiet

        // Paused: input waits unreported until watched again.
        s1.watchInput(false);
        one[0].write(ByteBuffer.wrap(new byte[] {9}));
        assertThat(ready(set, 100)).isEmpty();
        s1.watchInput(true);
        assertThat(ready(set, 10_000)).containsExactly(11L);
        assertThat(s1.tryReceive(state, buf, 0, buf.length)).isEqualTo(1);

        // The peer's half-close is readiness too, and reads as EOF.
        one[0].shutdownOutput();
        assertThat(ready(set, 10_000)).containsExactly(11L);
        assertThat(s1.tryReceive(state, buf, 0, buf.length)).isEqualTo(NonBlockingSocket.EOF);
    }

    @Test
    void aWakeUpEndsTheWaitAndIsReportedOnce() throws Exception {
        Epoll set = Epoll.open(4);
        open.add(set);
        Thread.ofVirtual().start(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            set.wakeup();
        });
        assertThat(ready(set, 30_000)).containsExactly(Epoll.WAKE_TOKEN);
        assertThat(ready(set, 0)).isEmpty(); // the eventfd was reset
        set.wakeup();
        set.wakeup();
        assertThat(ready(set, 0)).containsExactly(Epoll.WAKE_TOKEN);
        assertThatThrownBy(() -> NonBlockingSocket.of(SocketChannel.open())
                        .orElseThrow()
                        .register(set, Epoll.WAKE_TOKEN, () -> {}))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aResetIsThrownAndClosingTakesTheSocketOutAndRunsItsHookOnce() throws Exception {
        ServerSocketChannel server = server();
        SocketChannel[] p = pair(server);
        Epoll set = Epoll.open(4);
        open.add(set);
        NonBlockingSocket.ReceiveState state = new NonBlockingSocket.ReceiveState();
        open.add(state);
        NonBlockingSocket s = NonBlockingSocket.of(p[1]).orElseThrow();
        AtomicInteger hook = new AtomicInteger();
        s.register(set, 7, hook::incrementAndGet);
        assertThatThrownBy(() -> s.register(set, 8, () -> {})).isInstanceOf(NetException.class);

        p[0].setOption(StandardSocketOptions.SO_LINGER, 0);
        p[0].close(); // RST
        assertThat(ready(set, 10_000)).containsExactly(7L);
        assertThatThrownBy(() -> s.tryReceive(state, new byte[8], 0, 8))
                .isInstanceOfSatisfying(
                        NetException.class, e -> assertThat(e.reason()).isEqualTo(NetException.Reason.SYSCALL));

        s.close(SocketChannel::close);
        s.close(SocketChannel::close);
        assertThat(hook.get()).isEqualTo(1);
        assertThat(p[1].isOpen()).isFalse();
        assertThat(ready(set, 0)).isEmpty();
        assertThatThrownBy(() -> s.tryReceive(state, new byte[8], 0, 8))
                .isInstanceOfSatisfying(
                        NetException.class, e -> assertThat(e.reason()).isEqualTo(NetException.Reason.CLOSED));
        assertThat(s.trySend(new byte[8], 0, 8)).isZero();
    }

    @Test
    void aClosedSetTakesNoSocketsAndItsLeftoverRegistrationsCloseSafely() throws Exception {
        ServerSocketChannel server = server();
        SocketChannel[] p = pair(server);
        Epoll set = Epoll.open(4);
        NonBlockingSocket s = NonBlockingSocket.of(p[1]).orElseThrow();
        s.register(set, 3, () -> {});
        set.close();
        set.wakeup(); // no effect, no failure
        assertThatThrownBy(() -> s.watchInput(false))
                .isInstanceOfSatisfying(
                        NetException.class, e -> assertThat(e.reason()).isEqualTo(NetException.Reason.CLOSED));
        // A descriptor number the closed set had may belong to another file now: closing the socket must not touch it.
        Epoll other = Epoll.open(4);
        open.add(other);
        s.close(SocketChannel::close);
        NonBlockingSocket fresh = NonBlockingSocket.of(pair(server)[1]).orElseThrow();
        assertThatThrownBy(() -> fresh.register(set, 4, () -> {}))
                .isInstanceOfSatisfying(
                        NetException.class, e -> assertThat(e.reason()).isEqualTo(NetException.Reason.CLOSED));
    }
}
