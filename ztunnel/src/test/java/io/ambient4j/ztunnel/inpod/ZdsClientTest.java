package io.ambient4j.ztunnel.inpod;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ambient4j.api.zds.KeepWorkload;
import io.ambient4j.api.zds.SnapshotSent;
import io.ambient4j.api.zds.Version;
import io.ambient4j.api.zds.WorkloadRequest;
import io.ambient4j.api.zds.WorkloadResponse;
import io.ambient4j.api.zds.ZdsHello;
import io.ambient4j.cni.zds.PodCache;
import io.ambient4j.cni.zds.WorkloadIdentity;
import io.ambient4j.cni.zds.ZdsAck;
import io.ambient4j.cni.zds.ZdsConfig;
import io.ambient4j.cni.zds.ZdsPod;
import io.ambient4j.cni.zds.ZdsServer;
import io.ambient4j.common.net.Datagram;
import io.ambient4j.common.net.Netns;
import io.ambient4j.common.net.SeqpacketListener;
import io.ambient4j.common.net.SeqpacketSocket;
import io.ambient4j.common.net.SocketFactory;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The ZDS client against the real node-agent server of the cni module (and, for bad input, a raw SEQPACKET peer).
 * Pods' netns handles are opened on this process's own namespace, and proxies are real loopback echo listeners, so
 * these tests need no root; the network-namespace tests are in {@link InpodNetnsTest}.
 */
@Timeout(60)
class ZdsClientTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private Path dir;
    private Path socket;
    private EchoProxies echo;
    private InpodState state;
    private ZdsClient client;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        dir = Files.createTempDirectory("zds");
        socket = dir.resolve("ztunnel.sock");
        echo = EchoProxies.loopback();
        state = new InpodState(
                (pod, netns) -> echo.start(pod, SocketFactory.plain()),
                (ns, name) -> "cluster.local",
                Duration.ofSeconds(1));
    }

    @AfterEach
    void tearDown() throws Exception {
        if (client != null) {
            client.close();
            state.shutdown();
        }
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
        Files.deleteIfExists(socket);
        Files.deleteIfExists(dir);
    }

    private static ZdsPod pod(String uid, boolean withNetns) throws IOException {
        return new ZdsPod(
                uid,
                new WorkloadIdentity("pod-" + uid, "ns1", "sa-" + uid),
                withNetns ? Optional.of(Netns.current()) : Optional.empty());
    }

    private ZdsServer server(ZdsPod... pods) throws IOException {
        ZdsServer s = ZdsServer.create(
                new ZdsConfig(socket, Duration.ofSeconds(5), Duration.ofMillis(200), 50), new PodCache());
        for (ZdsPod p : pods) {
            s.adopt(p);
        }
        s.start();
        closeables.add(s);
        return s;
    }

    private void startClient(Duration retry) {
        client = ZdsClient.create(socket, state, retry);
        client.start();
    }

    private static boolean accepts(int port) {
        try (SocketChannel c = SocketChannel.open(new InetSocketAddress("127.0.0.1", port))) {
            return c.isConnected();
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void C026_snapshotStartsEveryPodThenReady() throws Exception {
        server(pod("a", true), pod("b", true));
        assertThat(state.status().ready()).isFalse();
        startClient(Duration.ofSeconds(5));
        await().atMost(WAIT).until(() -> state.status().ready());
        InpodStatus s = state.status();
        assertThat(s.active()).isEqualTo(2);
        assertThat(s.proxies()).extracting(ProxyStatus::uid).containsExactly("a", "b");
        assertThat(s.proxies().getFirst().serviceAccount()).isEqualTo("sa-a");
        assertThat(echo.live.get("a").pod.identity().uri()).isEqualTo("spiffe://cluster.local/ns/ns1/sa/sa-a");
        assertThat(accepts(echo.live.get("a").port())).isTrue();
        assertThat(accepts(echo.live.get("b").port())).isTrue();
    }

    @Test
    void C029_incrementalAddIsIdempotentAndDelTearsDownAtOnce() throws Exception {
        ZdsServer server = server();
        startClient(Duration.ofSeconds(5));
        await().atMost(WAIT).until(() -> state.status().ready());

        assertThat(server.addPod(pod("c", true)).ok()).isTrue();
        assertThat(server.addPod(pod("c", true)).ok()).as("same netns again").isTrue();
        assertThat(echo.starts.get()).isEqualTo(1);
        EchoProxies.EchoHandle handle = echo.live.get("c");
        int port = handle.port();
        assertThat(accepts(port)).isTrue();

        List<ZdsAck> acks = server.deletePod("c");
        assertThat(acks).containsExactly(new ZdsAck(""));
        assertThat(handle.ended).isEqualTo("closed");
        assertThatThrownBy(() -> SocketChannel.open(new InetSocketAddress("127.0.0.1", port)))
                .isInstanceOf(ConnectException.class);
        assertThat(state.status().proxies()).isEmpty();
        assertThat(state.status().stopped()).isEqualTo(1);
    }

    @Test
    void C027_keptPodSurvivesReconnectAndPodMissingFromSnapshotIsDrained() throws Exception {
        ZdsServer first = server(pod("keep", true), pod("gone", true));
        startClient(Duration.ofSeconds(5));
        await().atMost(WAIT).until(() -> state.status().active() == 2);
        EchoProxies.EchoHandle kept = echo.live.get("keep");
        EchoProxies.EchoHandle gone = echo.live.get("gone");

        // The agent restarts and only remembers "keep", without a netns handle.
        first.close();
        closeables.remove(first);
        await().atMost(WAIT).until(() -> !state.status().ready());
        server(pod("keep", false));

        await().atMost(WAIT).until(() -> state.status().ready());
        await().atMost(WAIT).until(() -> gone.ended.equals("drained"));
        assertThat(echo.live.get("keep")).isSameAs(kept);
        assertThat(kept.ended).isEmpty();
        assertThat(accepts(kept.port())).isTrue();
        assertThat(state.status().proxies()).extracting(ProxyStatus::uid).containsExactly("keep");
        assertThat(echo.starts.get()).isEqualTo(2);
    }

    @Test
    void C029_failedStartStaysPendingBlocksReadinessAndIsRetried() throws Exception {
        echo.failNext.set(2);
        ZdsServer server = server();
        startClient(Duration.ofMillis(300));
        await().atMost(WAIT).until(() -> state.status().ready());

        ZdsAck ack = server.addPod(pod("p", true));
        assertThat(ack.error()).contains("proxy for pod p failed to start").contains("no certificate");
        assertThat(state.status().pending()).isEqualTo(1);
        assertThat(state.status().ready()).isFalse();
        assertThat(state.status().proxies().getFirst().state()).isEqualTo(ProxyStatus.State.Pending);

        await().atMost(WAIT).until(() -> state.status().ready());
        assertThat(state.status().active()).isEqualTo(1);
        assertThat(accepts(echo.live.get("p").port())).isTrue();
    }

    @Test
    void C029_delBeforeSnapshotDropsAPendingPod() throws Exception {
        echo.failNext.set(100);
        startClient(Duration.ofSeconds(30));
        try (SeqpacketListener agent = SeqpacketListener.bind(socket, 4, Duration.ofSeconds(5));
                SeqpacketSocket conn = agent.accept()) {
            conn.setTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5));
            hello(conn);
            assertThat(request(conn, ZdsDecoderTest.add("x", true), true)).contains("failed to start");
            assertThat(state.status().pending()).isEqualTo(1);
            assertThat(request(conn, del("x"), false)).isEmpty();
            assertThat(state.status().proxies()).isEmpty();
            assertThat(request(conn, snapshotSent(), false)).isEmpty();
            await().atMost(WAIT).until(() -> state.status().ready());
        }
    }

    @Test
    void garbageDatagramsGetClearErrorsAndDisturbNoPod() throws Exception {
        startClient(Duration.ofSeconds(5));
        try (SeqpacketListener agent = SeqpacketListener.bind(socket, 4, Duration.ofSeconds(5))) {
            SeqpacketSocket conn = agent.accept();
            conn.setTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5));
            hello(conn);
            assertThat(request(conn, ZdsDecoderTest.add("ok", true), true)).isEmpty();
            EchoProxies.EchoHandle ok = echo.live.get("ok");

            assertThat(request(conn, new byte[] {(byte) 0xff, 0x00, (byte) 0x80}, false))
                    .startsWith("MALFORMED");
            assertThat(request(conn, ZdsDecoderTest.add("nofd", true), false)).startsWith("MISSING_FD");
            assertThat(request(conn, keep("k"), true)).startsWith("UNEXPECTED_FD");
            assertThat(request(conn, new byte[1500], false))
                    .contains("refused datagram")
                    .contains("1024");
            assertThat(request(conn, ZdsDecoderTest.add("noinfo", false), true)).startsWith("BAD_WORKLOAD_INFO");
            assertThat(request(conn, snapshotSent(), false)).isEmpty();
            assertThat(state.status().ready()).isTrue();
            assertThat(accepts(ok.port())).as("other pods keep working").isTrue();

            // Out of sequence: answered with an error, then the client reconnects for a fresh snapshot.
            assertThat(request(conn, snapshotSent(), false)).startsWith("SNAPSHOT_TWICE");
            SeqpacketSocket again = agent.accept();
            again.setTimeouts(Duration.ofSeconds(5), Duration.ofSeconds(5));
            hello(again);
            assertThat(request(again, ZdsDecoderTest.add("ok", true), true)).isEmpty();
            assertThat(request(again, snapshotSent(), false)).isEmpty();
            assertThat(echo.live.get("ok")).as("the proxy survived the resync").isSameAs(ok);
            assertThat(ok.ended).isEmpty();
            conn.close();
            again.close();
        }
    }

    @Test
    void connectsOnceTheAgentAppearsWithBackoff() throws Exception {
        startClient(Duration.ofSeconds(5));
        await().pollDelay(Duration.ofMillis(400))
                .atMost(WAIT)
                .until(() -> !state.status().connected());
        server(pod("late", true));
        await().atMost(Duration.ofSeconds(20)).until(() -> state.status().ready());
        assertThat(state.status().active()).isEqualTo(1);
    }

    private static void hello(SeqpacketSocket conn) throws Exception {
        Datagram h = conn.receive(1024);
        assertThat(ZdsHello.parseFrom(h.payload()).getVersion()).isEqualTo(Version.V1);
    }

    private static String request(SeqpacketSocket conn, byte[] msg, boolean withFd) throws Exception {
        if (withFd) {
            try (Netns ns = Netns.current()) {
                conn.send(msg, Optional.of(ns.fd()));
            }
        } else {
            conn.send(msg, Optional.empty());
        }
        return WorkloadResponse.parseFrom(conn.receive(1024).payload()).getAck().getError();
    }

    private static byte[] keep(String uid) {
        return WorkloadRequest.newBuilder()
                .setKeep(KeepWorkload.newBuilder().setUid(uid))
                .build()
                .toByteArray();
    }

    private static byte[] del(String uid) {
        return WorkloadRequest.newBuilder()
                .setDel(io.ambient4j.api.zds.DelWorkload.newBuilder().setUid(uid))
                .build()
                .toByteArray();
    }

    private static byte[] snapshotSent() {
        return WorkloadRequest.newBuilder()
                .setSnapshotSent(SnapshotSent.getDefaultInstance())
                .build()
                .toByteArray();
    }
}
