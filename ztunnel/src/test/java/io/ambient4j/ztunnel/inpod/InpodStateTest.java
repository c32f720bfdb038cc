package io.ambient4j.ztunnel.inpod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ambient4j.cni.netns.NetnsLab;
import io.ambient4j.common.net.Netns;
import io.ambient4j.common.net.SocketFactory;
import io.ambient4j.ztunnel.inpod.ZdsProtocolException.Reason;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The in-pod state machine driven message by message (upstream statemanager cases, C029) and its shutdown path
 * (C134). Proxies are real loopback echo listeners; the "different netns" case uses a real second namespace.
 */
@Timeout(60)
class InpodStateTest {
    private final EchoProxies echo = EchoProxies.loopback();
    private final InpodState state = new InpodState(
            (pod, netns) -> echo.start(pod, SocketFactory.plain()),
            (ns, name) -> "cluster.local",
            Duration.ofSeconds(1));

    private static ZdsMessage.Add add(String uid, Netns netns) {
        return new ZdsMessage.Add(uid, "n-" + uid, "ns", "sa", netns.fd());
    }

    private static ZdsMessage.Add add(String uid) throws IOException {
        return add(uid, Netns.current());
    }

    @Test
    void C029_addStartsExactlyOneProxyAndRepeatedAddsAreIdempotent() throws Exception {
        state.connected();
        state.process(add("u"));
        state.process(add("u"));
        state.process(add("u"));
        assertThat(echo.starts.get()).isEqualTo(1);
        assertThat(state.status().active()).isEqualTo(1);
    }

    @Test
    void C029_addDeleteAddLeavesOneProxy() throws Exception {
        state.connected();
        state.process(new ZdsMessage.SnapshotSent());
        state.process(add("u"));
        state.process(new ZdsMessage.Del("u"));
        state.process(add("u"));
        assertThat(echo.starts.get()).isEqualTo(2);
        assertThat(echo.live).containsOnlyKeys("u");
        assertThat(state.status().active()).isEqualTo(1);
        assertThat(state.status().stopped()).isEqualTo(1);
    }

    @Test
    void C029_addWithADifferentNetnsKeepsTheLatestProxy() throws Exception {
        try (NetnsLab lab = new NetnsLab()) {
            String other = lab.pod("x", 20);
            state.connected();
            state.process(add("u"));
            EchoProxies.EchoHandle first = echo.live.get("u");
            state.process(add("u", Netns.named(other)));
            assertThat(echo.starts.get()).isEqualTo(2);
            assertThat(first.ended).isEqualTo("closed");
            assertThat(echo.live.get("u")).isNotSameAs(first);
            assertThat(state.status().active()).isEqualTo(1);
            state.shutdown();
        }
    }

    @Test
    void C029_afterSnapshotWorkloadsNotResentAreTornDownAndKeptOnesStay() throws Exception {
        state.connected();
        state.process(add("keep"));
        state.process(add("drop"));
        state.process(new ZdsMessage.SnapshotSent());
        // reconnect: a new snapshot names only "keep"
        state.disconnected();
        state.connected();
        assertThat(state.status().ready()).isFalse();
        state.process(new ZdsMessage.Keep("keep"));
        state.process(new ZdsMessage.SnapshotSent());
        assertThat(state.status().ready()).isTrue();
        assertThat(state.status().proxies()).extracting(ProxyStatus::uid).containsExactly("keep");
        await().atMost(Duration.ofSeconds(5)).until(() -> !echo.live.containsKey("drop"));
    }

    @Test
    void C029_sequenceErrors() throws Exception {
        state.connected();
        state.process(new ZdsMessage.SnapshotSent());
        assertThatThrownBy(() -> state.process(new ZdsMessage.SnapshotSent()))
                .isInstanceOfSatisfying(
                        ZdsProtocolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.SNAPSHOT_TWICE));
        assertThatThrownBy(() -> state.process(new ZdsMessage.Keep("k")))
                .isInstanceOfSatisfying(
                        ZdsProtocolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.KEEP_AFTER_SNAPSHOT));
    }

    @Test
    void badIdentityIsRefusedAndItsNetnsClosed() throws Exception {
        state.connected();
        Netns ns = Netns.current();
        assertThatThrownBy(() -> state.process(new ZdsMessage.Add("u", "n", "bad/ns", "sa", ns.fd())))
                .isInstanceOfSatisfying(
                        ZdsProtocolException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_WORKLOAD_INFO));
        assertThat(ns.fd().isClosed()).isTrue();
        assertThat(echo.starts.get()).isZero();
    }

    @Test
    void C134_shutdownStopsAcceptingAtOnceAndOpenConnectionsRunUntilTheDeadline() throws Exception {
        state.connected();
        state.process(add("u"));
        int port = echo.live.get("u").port();
        try (SocketChannel open = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
            assertThat(roundTrip(open, "before")).isEqualTo("before");
            long t0 = System.nanoTime();
            Thread shutdown = Thread.ofVirtual().start(() -> {
                try {
                    state.shutdown();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            await().atMost(Duration.ofSeconds(1)).until(() -> !accepts(port));
            assertThat(roundTrip(open, "during drain")).isEqualTo("during drain");
            shutdown.join(Duration.ofSeconds(5));
            long tookMs = (System.nanoTime() - t0) / 1_000_000;
            assertThat(tookMs).as("forced close at the 1 s deadline").isBetween(900L, 3000L);
            ByteBuffer b = ByteBuffer.allocate(16);
            assertThat(open.read(b)).as("closed after the deadline").isEqualTo(-1);
        }
        assertThat(state.status().proxies()).isEmpty();
        assertThat(state.status().ready()).isFalse();
    }

    private static boolean accepts(int port) {
        try (SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String roundTrip(SocketChannel c, String text) throws IOException {
        c.write(ByteBuffer.wrap(text.getBytes()));
        ByteBuffer b = ByteBuffer.allocate(text.length());
        while (b.hasRemaining() && c.read(b) >= 0) {
            // fill
        }
        return new String(b.array(), 0, b.position());
    }
}
