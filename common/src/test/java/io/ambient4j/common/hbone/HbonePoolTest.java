package io.ambient4j.common.hbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Connection pooling per workload key over real mutual TLS. */
class HbonePoolTest {
    private final TlsFixture tls = new TlsFixture();
    private final AtomicInteger dials = new AtomicInteger();
    private HbonePool pool;

    @AfterEach
    void close() throws IOException {
        if (pool != null) {
            pool.close();
        }
        tls.close();
    }

    private HbonePool.Key key(int port) {
        return new HbonePool.Key(
                TlsFixture.CLIENT_ID,
                Set.of(TlsFixture.SERVER_ID),
                InetAddress.getLoopbackAddress(),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    private HbonePool pool(Duration idle) {
        pool = HbonePool.create(
                k -> {
                    dials.incrementAndGet();
                    return tls.dial(k.destination().getPort());
                },
                HboneSettings.defaults(),
                HbonePool.DEFAULT_MAX_STREAMS_PER_CONNECTION,
                idle);
        return pool;
    }

    private int echoServer() throws IOException {
        return tls.serve(HboneServer.create(r -> HboneVerdict.accept(HboneHeaders.empty(), TlsFixture::echo)));
    }

    @Test
    void sequentialTunnelsReuseOneConnection() throws Exception {
        int port = echoServer();
        HbonePool p = pool(HbonePool.DEFAULT_UNUSED_RELEASE_TIMEOUT);
        for (int i = 0; i < 5; i++) {
            HboneStream s = p.open(key(port), "10.0.0.1:80", HboneHeaders.empty());
            s.output().write(new byte[] {(byte) i});
            s.output().close();
            assertThat(s.input().readAllBytes()).containsExactly((byte) i);
        }
        assertThat(dials).hasValue(1);
        assertThat(p.connectionCount(key(port))).isEqualTo(1);
    }

    @Test
    void aSecondConnectionOpensPastTheStreamCap() throws Exception {
        int port = echoServer();
        HbonePool p = pool(HbonePool.DEFAULT_UNUSED_RELEASE_TIMEOUT);
        int streams = 130;
        CountDownLatch allOpen = new CountDownLatch(streams);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        List<Thread> threads = new ArrayList<>();
        for (int i = 0; i < streams; i++) {
            int n = i;
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    HboneStream s = p.open(key(port), "10.0.0.1:80", HboneHeaders.empty());
                    allOpen.countDown();
                    allOpen.await(); // 130 tunnels open at once: 100 on the first connection, 30 on the second
                    byte[] data = TlsFixture.pattern(10_000, n);
                    if (!java.util.Arrays.equals(HboneTunnelTest.roundTrip(s, data), data)) {
                        failures.add(new AssertionError("stream " + n + " corrupted"));
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(60));
        }
        assertThat(failures).isEmpty();
        assertThat(dials).hasValue(2);
        assertThat(tls.accepted).hasValue(2);
        assertThat(p.connectionCount(key(port))).isEqualTo(2);
    }

    @Test
    void differentKeysNeverShareAConnection() throws Exception {
        int port = echoServer();
        HbonePool p = pool(HbonePool.DEFAULT_UNUSED_RELEASE_TIMEOUT);
        HbonePool.Key other = new HbonePool.Key(
                io.ambient4j.common.identity.SpiffeId.of("", "client-ns", "other-sa"),
                Set.of(TlsFixture.SERVER_ID),
                InetAddress.getLoopbackAddress(),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
        p.open(key(port), "10.0.0.1:80", HboneHeaders.empty()).close();
        p.open(other, "10.0.0.1:80", HboneHeaders.empty()).close();
        assertThat(dials).hasValue(2);
    }

    @Test
    void idleConnectionsAreReleasedAfterTheTimeout() throws Exception {
        int port = echoServer();
        HbonePool p = pool(Duration.ofMillis(300));
        HboneStream s = p.open(key(port), "10.0.0.1:80", HboneHeaders.empty());
        s.output().close();
        assertThat(s.input().readAllBytes()).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> p.connectionCount(key(port)) == 0);
        HboneStream again = p.open(key(port), "10.0.0.1:80", HboneHeaders.empty());
        again.close();
        assertThat(dials).hasValue(2);
    }

    @Test
    void aConnectionWithOpenStreamsIsNotReleased() throws Exception {
        int port = echoServer();
        HbonePool p = pool(Duration.ZERO);
        HboneStream s = p.open(key(port), "10.0.0.1:80", HboneHeaders.empty());
        p.sweepIdle(); // a zero timeout: only the open stream keeps the connection
        assertThat(p.connectionCount(key(port))).isEqualTo(1);
        s.output().write(new byte[] {42});
        s.output().close();
        assertThat(s.input().readAllBytes()).containsExactly((byte) 42);
    }

    @Test
    void C134_aDrainingServerConnectionIsReplacedWhileItsTunnelsFinish() throws Exception {
        HboneServer server = HboneServer.create(r -> HboneVerdict.accept(HboneHeaders.empty(), TlsFixture::echo));
        int port = tls.serve(server);
        HbonePool p = pool(HbonePool.DEFAULT_UNUSED_RELEASE_TIMEOUT);
        HboneStream old = p.open(key(port), "10.0.0.1:80", HboneHeaders.empty());
        Thread drainer = Thread.ofVirtual().start(() -> server.drain(Duration.ofSeconds(30)));
        await().atMost(Duration.ofSeconds(10)).until(() -> p.connectionCount(key(port)) == 0);
        HboneStream fresh = p.open(key(port), "10.0.0.1:80", HboneHeaders.empty());
        assertThat(dials).hasValue(2);
        byte[] data = TlsFixture.pattern(200_000, 4);
        assertThat(HboneTunnelTest.roundTrip(old, data)).isEqualTo(data);
        assertThat(HboneTunnelTest.roundTrip(fresh, data)).isEqualTo(data);
        drainer.join(Duration.ofSeconds(30));
    }

    @Test
    void aFailedDialIsReportedAndTheNextOpenDialsAgain() throws Exception {
        int port = echoServer();
        AtomicInteger attempts = new AtomicInteger();
        pool = HbonePool.create(
                k -> {
                    if (attempts.incrementAndGet() == 1) {
                        throw new java.net.ConnectException("connection refused (test)");
                    }
                    return tls.dial(k.destination().getPort());
                },
                HboneSettings.defaults(),
                HbonePool.DEFAULT_MAX_STREAMS_PER_CONNECTION,
                HbonePool.DEFAULT_UNUSED_RELEASE_TIMEOUT);
        org.assertj.core.api.Assertions.assertThatThrownBy(
                        () -> pool.open(key(port), "10.0.0.1:80", HboneHeaders.empty()))
                .isInstanceOf(java.net.ConnectException.class);
        HboneStream s = pool.open(key(port), "10.0.0.1:80", HboneHeaders.empty());
        s.output().close();
        assertThat(s.input().readAllBytes()).isEmpty();
        assertThat(attempts).hasValue(2);
    }
}
