package io.ambient4j.cni.zds;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ambient4j.common.net.Netns;
import io.ambient4j.common.net.OwnedFd;
import io.ambient4j.common.net.RequireRoot;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The ZDS server over a real SEQPACKET socket with real netns descriptors (root: creates namespaces). */
@Timeout(60)
class ZdsServerTest {
    private static final Duration READ = Duration.ofSeconds(5);

    @TempDir
    Path dir;

    private final List<String> netnsNames = new ArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Path socket;
    private PodCache cache;
    private ZdsServer server;

    @BeforeEach
    void setUp() throws Exception {
        RequireRoot.check();
        socket = dir.resolve("ztunnel.sock");
        cache = new PodCache();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : closeables.reversed()) {
            c.close();
        }
        if (server != null) {
            server.close();
        }
        for (ZdsPod p : cache.snapshot()) {
            cache.remove(p.uid());
        }
        for (String n : netnsNames) {
            run("ip", "netns", "del", n);
        }
    }

    private ZdsServer start(Duration deadline) throws Exception {
        server = ZdsServer.start(new ZdsConfig(socket, deadline, Duration.ofMillis(100), 50), cache);
        return server;
    }

    private ZdsTestClient client() throws Exception {
        ZdsTestClient c = ZdsTestClient.connect(socket, READ);
        closeables.add(c);
        return c;
    }

    private String newNetns() throws Exception {
        String name =
                "a4j-" + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        run("ip", "netns", "add", name);
        netnsNames.add(name);
        return name;
    }

    private ZdsPod pod(String uid, String netnsName) throws Exception {
        return new ZdsPod(
                uid,
                new WorkloadIdentity("pod-" + uid, "ns1", "sa-" + uid),
                netnsName == null ? Optional.empty() : Optional.of(Netns.named(netnsName)));
    }

    private static long inodeOfReceived(ZdsTestClient.Received r) throws Exception {
        try (OwnedFd fd = r.fd().orElseThrow()) {
            return Netns.inodeOf(Path.of("/proc/self/fd", Integer.toString(fd.value())));
        }
    }

    @Test
    void C026_C027_helloReplaysSnapshotWithNetnsFdsKeepsAndSnapshotSent() throws Exception {
        String nsA = newNetns();
        String nsB = newNetns();
        cache.put(pod("uid-a", nsA));
        cache.put(pod("uid-k", null));
        cache.put(pod("uid-b", nsB));
        start(Duration.ofSeconds(5));

        ZdsTestClient zt = client().hello();
        ZdsTestClient.Received first = zt.next();
        assertThat(first.request().hasAdd()).isTrue();
        assertThat(first.request().getAdd().getUid()).isEqualTo("uid-a");
        assertThat(first.request().getAdd().getWorkloadInfo().getName()).isEqualTo("pod-uid-a");
        assertThat(first.request().getAdd().getWorkloadInfo().getNamespace()).isEqualTo("ns1");
        assertThat(first.request().getAdd().getWorkloadInfo().getServiceAccount())
                .isEqualTo("sa-uid-a");
        assertThat(inodeOfReceived(first)).isEqualTo(Netns.inodeOf(Path.of("/var/run/netns", nsA)));
        assertThat(zt.hasPending())
                .as("one message in flight: nothing more before the ack")
                .isFalse();
        zt.ack("");

        ZdsTestClient.Received keep = zt.next();
        assertThat(keep.request().hasKeep()).isTrue();
        assertThat(keep.request().getKeep().getUid()).isEqualTo("uid-k");
        assertThat(keep.fd()).as("Keep carries no fd").isEmpty();
        zt.ack("");

        ZdsTestClient.Received second = zt.next();
        assertThat(second.request().getAdd().getUid()).isEqualTo("uid-b");
        assertThat(inodeOfReceived(second)).isEqualTo(Netns.inodeOf(Path.of("/var/run/netns", nsB)));
        zt.ack("proxy pending: no certificate yet");

        ZdsTestClient.Received done = zt.next();
        assertThat(done.request().hasSnapshotSent()).isTrue();
        assertThat(done.fd()).isEmpty();
        zt.ack("");
        await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 1);
    }

    @Test
    void C026_incrementalAddAndDelWithAckErrors() throws Exception {
        start(Duration.ofSeconds(5));
        ZdsTestClient zt = client().hello();
        assertThat(zt.drainSnapshot()).hasSize(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 1);

        String ns = newNetns();
        ZdsPod p = pod("uid-1", ns);
        Thread ztunnel = Thread.ofPlatform().start(() -> {
            try {
                ZdsTestClient.Received add = zt.next();
                assertThat(add.request().getAdd().getUid()).isEqualTo("uid-1");
                assertThat(inodeOfReceived(add)).isEqualTo(Netns.inodeOf(Path.of("/var/run/netns", ns)));
                zt.ack("");
                ZdsTestClient.Received del = zt.next();
                assertThat(del.request().getDel().getUid()).isEqualTo("uid-1");
                assertThat(del.fd()).isEmpty();
                zt.ack("no such workload");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertThat(server.addPod(p).ok()).isTrue();
        assertThat(cache.snapshot()).extracting(ZdsPod::uid).containsExactly("uid-1");
        List<ZdsAck> acks = server.deletePod("uid-1");
        assertThat(acks).containsExactly(new ZdsAck("no such workload"));
        assertThat(cache.snapshot()).isEmpty();
        ztunnel.join(TimeUnit.SECONDS.toMillis(5));
        assertThat(ztunnel.isAlive()).isFalse();
    }

    @Test
    void C026_addsGoToNewestConnectionDelsToAll() throws Exception {
        start(Duration.ofSeconds(5));
        ZdsTestClient old = client().hello();
        old.drainSnapshot();
        await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 1);
        ZdsTestClient fresh = client().hello();
        fresh.drainSnapshot();
        await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 2);

        String ns = newNetns();
        Thread answerFresh = Thread.ofPlatform().start(() -> {
            try {
                assertThat(fresh.next().request().getAdd().getUid()).isEqualTo("uid-x");
                fresh.ack("");
                assertThat(fresh.next().request().getDel().getUid()).isEqualTo("uid-x");
                fresh.ack("");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        Thread answerOld = Thread.ofPlatform().start(() -> {
            try {
                ZdsTestClient.Received r = old.next();
                assertThat(r.request().hasDel())
                        .as("old ztunnel only sees the Del")
                        .isTrue();
                old.ack("");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertThat(server.addPod(pod("uid-x", ns)).ok()).isTrue();
        assertThat(server.deletePod("uid-x")).hasSize(2).allMatch(ZdsAck::ok);
        answerFresh.join(5000);
        answerOld.join(5000);
        assertThat(answerFresh.isAlive() || answerOld.isAlive()).isFalse();
    }

    @Test
    void C026_peerThatNeverAcksIsDroppedOthersUnaffected() throws Exception {
        start(Duration.ofMillis(400));
        ZdsTestClient good = client().hello();
        good.drainSnapshot();
        await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 1);
        ZdsTestClient silent = client().hello();
        assertThat(silent.next().request().hasSnapshotSent()).isTrue();
        // never ack: the server gives up on this connection after its deadline
        await().atMost(Duration.ofSeconds(5)).until(silent::serverClosed);
        await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 1);

        String ns = newNetns();
        Thread answer = Thread.ofPlatform().start(() -> {
            try {
                assertThat(good.next().request().getAdd().getUid()).isEqualTo("uid-g");
                good.ack("");
            } catch (Exception e) {
                throw new AssertionError(e);
            }
        });
        assertThat(server.addPod(pod("uid-g", ns)).ok()).isTrue();
        answer.join(5000);
    }

    @Test
    void C026_addWithoutAckTimesOutWithClearError() throws Exception {
        start(Duration.ofMillis(300));
        ZdsTestClient zt = client().hello();
        zt.drainSnapshot();
        await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 1);
        String ns = newNetns();
        assertThatThrownBy(() -> server.addPod(pod("uid-t", ns)))
                .isInstanceOf(ZdsException.class)
                .satisfies(e -> assertThat(((ZdsException) e).reason()).isEqualTo(ZdsException.Reason.TIMEOUT))
                .hasMessageContaining("ack of AddWorkload uid-t");
        assertThat(cache.snapshot()).extracting(ZdsPod::uid).containsExactly("uid-t");
        assertThatThrownBy(() -> server.addPod(pod("uid-u", ns)))
                .isInstanceOf(ZdsException.class)
                .satisfies(e -> assertThat(((ZdsException) e).reason()).isEqualTo(ZdsException.Reason.NO_ZTUNNEL));
    }

    @Test
    void C026_garbageHelloAndGarbageAckCloseOnlyThatConnection() throws Exception {
        start(Duration.ofSeconds(2));
        ZdsTestClient garbage = client();
        garbage.sendRaw("not a protobuf at all \u0000\u00ff".getBytes(StandardCharsets.ISO_8859_1));
        await().atMost(Duration.ofSeconds(5)).until(garbage::serverClosed);

        ZdsTestClient wrongVersion = client();
        wrongVersion.sendRaw(new byte[] {0x08, 0x07}); // ZdsHello{version=7}
        await().atMost(Duration.ofSeconds(5)).until(wrongVersion::serverClosed);

        ZdsTestClient badAck = client().hello();
        assertThat(badAck.next().request().hasSnapshotSent()).isTrue();
        badAck.sendRaw(new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff});
        await().atMost(Duration.ofSeconds(5)).until(badAck::serverClosed);

        ZdsTestClient good = client().hello();
        assertThat(good.drainSnapshot()).hasSize(1);
        await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 1);
    }

    @Test
    void C026_closedPeerIsNoticedByKeepalive() throws Exception {
        start(Duration.ofSeconds(5));
        ZdsTestClient zt = client().hello();
        zt.drainSnapshot();
        await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 1);
        zt.close();
        await().atMost(Duration.ofSeconds(5)).until(() -> server.connectionCount() == 0);
    }

    @Test
    void C026_serverRestartReplaysSnapshotOnSamePath() throws Exception {
        String ns = newNetns();
        cache.put(pod("uid-r", ns));
        start(Duration.ofSeconds(5));
        ZdsTestClient first = client().hello();
        List<ZdsTestClient.Received> one = first.drainSnapshot();
        assertThat(one).hasSize(2);
        one.getFirst().fd().orElseThrow().close();
        server.close();
        server = null;
        await().atMost(Duration.ofSeconds(5)).until(first::serverClosed);
        // A crashed agent leaves its socket file behind; the new one must still bind.
        java.nio.file.Files.writeString(socket, "stale");

        start(Duration.ofSeconds(5));
        ZdsTestClient second = client().hello();
        List<ZdsTestClient.Received> two = second.drainSnapshot();
        assertThat(two).extracting(r -> r.request().getPayloadCase().name()).containsExactly("ADD", "SNAPSHOT_SENT");
        assertThat(inodeOfReceived(two.getFirst())).isEqualTo(Netns.inodeOf(Path.of("/var/run/netns", ns)));
    }

    @Test
    void C026_oversizedAddIsRefusedBeforeSending() throws Exception {
        start(Duration.ofSeconds(5));
        String ns = newNetns();
        ZdsPod huge =
                new ZdsPod("uid-h", new WorkloadIdentity("n".repeat(1100), "ns", "sa"), Optional.of(Netns.named(ns)));
        closeables.add(huge.netns().get());
        assertThatThrownBy(() -> server.addPod(huge))
                .isInstanceOf(ZdsException.class)
                .satisfies(e -> assertThat(((ZdsException) e).reason()).isEqualTo(ZdsException.Reason.TOO_LARGE));
        assertThat(cache.snapshot()).isEmpty();
    }

    private static void run(String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(10, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed: " + out);
        }
    }
}
