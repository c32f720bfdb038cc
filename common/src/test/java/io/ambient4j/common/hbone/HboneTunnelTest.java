package io.ambient4j.common.hbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Our HBONE client against our HBONE server over real mutual TLS with SPIFFE certificates on loopback. */
class HboneTunnelTest {
    private final TlsFixture tls = new TlsFixture();
    private final ConcurrentLinkedQueue<HboneRequest> requests = new ConcurrentLinkedQueue<>();
    private final List<HboneClient> clients = new ArrayList<>();

    @AfterEach
    void close() throws IOException {
        clients.forEach(HboneClient::close);
        tls.close();
    }

    private HboneClient client(int port, HboneSettings settings) throws IOException {
        HboneClient c = tls.client(port, settings);
        clients.add(c);
        return c;
    }

    private int echoServer() throws IOException {
        return tls.serve(HboneServer.create(request -> {
            requests.add(request);
            return HboneVerdict.accept(HboneHeaders.of("baggage", "k8s.pod.name=dest"), TlsFixture::echo);
        }));
    }

    /** Writes {@code data} on a virtual thread, half-closes, and returns everything read back until EOF. */
    static byte[] roundTrip(HboneStream stream, byte[] data) throws Exception {
        AtomicReference<Exception> writeError = new AtomicReference<>();
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                for (int off = 0; off < data.length; off += 100_000) {
                    stream.output().write(data, off, Math.min(100_000, data.length - off));
                }
                stream.output().close();
            } catch (IOException e) {
                writeError.set(e);
            }
        });
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        stream.input().transferTo(got);
        writer.join();
        if (writeError.get() != null) {
            throw writeError.get();
        }
        return got.toByteArray();
    }

    @Test
    void C062_bytesFlowBothWaysWithHalfCloseAndHeaders() throws Exception {
        int port = echoServer();
        HboneClient client = client(port, HboneSettings.defaults());
        HboneStream stream = client.open(
                "[fd00::7]:8080",
                HboneHeaders.of(
                        "baggage", "k8s.namespace.name=client-ns",
                        "forwarded", "for=\"10.0.0.9:4444\"",
                        "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00"));
        assertThat(stream.responseHeaders().first("baggage")).contains("k8s.pod.name=dest");
        byte[] data = TlsFixture.pattern(3 * 1024 * 1024 + 17, 1);
        assertThat(roundTrip(stream, data)).isEqualTo(data);

        HboneRequest r = requests.poll();
        assertThat(r.authority()).isEqualTo("[fd00::7]:8080");
        assertThat(r.host()).isEqualTo("fd00::7");
        assertThat(r.port()).isEqualTo(8080);
        assertThat(r.headers().first("forwarded")).contains("for=\"10.0.0.9:4444\"");
        assertThat(r.headers().first("traceparent")).isPresent();
        await().atMost(Duration.ofSeconds(10)).until(() -> client.activeStreams() == 0);
    }

    @Test
    void serverHalfClosesFirstAndClientKeepsSending() throws Exception {
        byte[] greeting = "server-first".getBytes();
        int port = tls.serve(HboneServer.create(request -> HboneVerdict.accept(HboneHeaders.empty(), stream -> {
            stream.output().write(greeting);
            stream.output().close();
            byte[] rest = stream.input().readAllBytes();
            if (rest.length != 5000) {
                stream.reset();
            }
        })));
        HboneClient client = client(port, HboneSettings.defaults());
        HboneStream stream = client.open("10.0.0.1:80", HboneHeaders.empty());
        assertThat(stream.input().readAllBytes()).isEqualTo(greeting);
        stream.output().write(new byte[5000]);
        stream.output().close();
        await().atMost(Duration.ofSeconds(10)).until(() -> client.activeStreams() == 0);
    }

    @Test
    void C081_rejectionStatusesReachTheClientWithoutA200() throws Exception {
        int port = tls.serve(HboneServer.create(request -> switch (request.port()) {
            case 1 -> HboneVerdict.reject(401);
            case 2 -> HboneVerdict.reject(503);
            default -> throw new IOException("upstream refused");
        }));
        HboneClient client = client(port, HboneSettings.defaults());
        for (int[] c : new int[][] {{1, 401}, {2, 503}, {3, 503}}) {
            assertThatThrownBy(() -> client.open("10.0.0.1:" + c[0], HboneHeaders.empty()))
                    .isInstanceOfSatisfying(HboneException.class, e -> {
                        assertThat(e.reason()).isEqualTo(HboneException.Reason.STATUS);
                        assertThat(e.status()).isEqualTo(c[1]);
                    });
        }
        assertThat(client.isAvailable()).isTrue();
        await().atMost(Duration.ofSeconds(10)).until(() -> client.activeStreams() == 0);
    }

    @Test
    void aBlockedReceiverStallsTheSenderAtTheWindowThenEverythingArrives() throws Exception {
        CountDownLatch startReading = new CountDownLatch(1);
        int port = tls.serve(HboneServer.create(request -> HboneVerdict.accept(HboneHeaders.empty(), stream -> {
            try {
                startReading.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            TlsFixture.echo(stream);
        })));
        HboneClient client = client(port, HboneSettings.defaults());
        HboneStream stream = client.open("10.0.0.1:80", HboneHeaders.empty());
        byte[] data = TlsFixture.pattern(6 * 1024 * 1024, 2);
        AtomicLong written = new AtomicLong();
        Thread writer = Thread.ofVirtual().start(() -> {
            try {
                for (int off = 0; off < data.length; off += 65536) {
                    stream.output().write(data, off, 65536);
                    written.addAndGet(65536);
                }
                stream.output().close();
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        // The server's 4 MiB stream window runs out: the writer parks with the window at 0.
        await().atMost(Duration.ofSeconds(20))
                .until(() -> writer.getState() == Thread.State.WAITING && stream.sendWindow == 0);
        assertThat(written.get()).isLessThanOrEqualTo(HboneSettings.DEFAULT_STREAM_WINDOW);
        startReading.countDown();
        ByteArrayOutputStream got = new ByteArrayOutputStream();
        stream.input().transferTo(got);
        writer.join();
        assertThat(got.toByteArray()).isEqualTo(data);
    }

    @Test
    void manyConcurrentStreamsShareOneConnection() throws Exception {
        int port = echoServer();
        HboneClient client = client(port, HboneSettings.defaults().withMaxStreamsPerConnection(150));
        assertThat(client.maxStreams()).isEqualTo(150);
        int streams = 150;
        CountDownLatch allOpen = new CountDownLatch(streams);
        List<Thread> threads = new ArrayList<>();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < streams; i++) {
            int n = i;
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    HboneStream s = client.open("10.0.1." + (n % 250) + ":80", HboneHeaders.empty());
                    allOpen.countDown();
                    allOpen.await(); // all 150 are open at once before any byte flows
                    byte[] data = TlsFixture.pattern(64 * 1024 + n, n);
                    if (!java.util.Arrays.equals(roundTrip(s, data), data)) {
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
        assertThat(tls.accepted).hasValue(1);
        await().atMost(Duration.ofSeconds(10)).until(() -> client.activeStreams() == 0);
    }

    @Test
    void eightMegabytesEachWayOnSeveralStreamsAtOnce() throws Exception {
        int port = echoServer();
        HboneClient client = client(port, HboneSettings.defaults());
        List<Thread> threads = new ArrayList<>();
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        for (int i = 0; i < 3; i++) {
            int n = i;
            threads.add(Thread.ofVirtual().start(() -> {
                try {
                    HboneStream s = client.open("10.0.2.1:" + (80 + n), HboneHeaders.empty());
                    byte[] data = TlsFixture.pattern(8 * 1024 * 1024, 100 + n);
                    if (!java.util.Arrays.equals(roundTrip(s, data), data)) {
                        failures.add(new AssertionError("stream " + n + " corrupted"));
                    }
                } catch (Throwable t) {
                    failures.add(t);
                }
            }));
        }
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(120));
        }
        assertThat(failures).isEmpty();
    }

    @Test
    void clientHonoursItsStreamCap() throws Exception {
        int port = echoServer();
        HboneClient client = client(port, HboneSettings.defaults());
        assertThat(client.maxStreams()).isEqualTo(100);
        List<HboneStream> open = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            open.add(client.open("10.0.3.1:80", HboneHeaders.empty()));
        }
        assertThat(client.tryReserve()).isFalse();
        HboneStream first = open.getFirst();
        first.output().close();
        assertThat(first.input().readAllBytes()).isEmpty();
        await().atMost(Duration.ofSeconds(10)).until(() -> client.activeStreams() == 99);
        HboneStream another = client.open("10.0.3.1:80", HboneHeaders.empty());
        assertThat(another.streamId()).isEqualTo(201);
    }

    @Test
    void malformedAndOversizedHeadersAreRejectedWhileAnotherStreamKeepsFlowing() throws Exception {
        int port = echoServer();
        HboneClient client = client(port, HboneSettings.defaults());
        HboneStream healthy = client.open("10.0.4.1:80", HboneHeaders.empty());
        byte[] chunk = TlsFixture.pattern(100_000, 9);
        healthy.output().write(chunk);
        assertThat(healthy.input().readNBytes(chunk.length)).isEqualTo(chunk);

        assertThatThrownBy(() -> client.open("10.0.4.1:80", HboneHeaders.of("baggage", "x".repeat(20_000))))
                .isInstanceOfSatisfying(
                        HboneException.class, e -> assertThat(e.status()).isEqualTo(431));
        assertThatThrownBy(() -> client.open("10.0.4.1:80", HboneHeaders.of("connection", "close")))
                .isInstanceOfSatisfying(HboneException.class, e -> {
                    assertThat(e.reason()).isEqualTo(HboneException.Reason.RESET);
                    assertThat(e.errorCode()).isEqualTo(io.helidon.http.http2.Http2ErrorCode.PROTOCOL.code());
                });

        healthy.output().write(chunk);
        healthy.output().close();
        assertThat(healthy.input().readAllBytes()).isEqualTo(chunk);
        assertThat(client.isAvailable()).isTrue();
    }

    @Test
    void peerResetReachesTheOtherSide() throws Exception {
        CountDownLatch reset = new CountDownLatch(1);
        AtomicReference<IOException> serverSaw = new AtomicReference<>();
        int port = tls.serve(HboneServer.create(request -> HboneVerdict.accept(HboneHeaders.empty(), stream -> {
            try {
                stream.input().readAllBytes();
            } catch (IOException e) {
                serverSaw.set(e);
                reset.countDown();
            }
        })));
        HboneClient client = client(port, HboneSettings.defaults());
        HboneStream stream = client.open("10.0.5.1:80", HboneHeaders.empty());
        stream.output().write(new byte[10]);
        stream.reset();
        assertThat(reset.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        assertThat(serverSaw.get()).isInstanceOfSatisfying(HboneException.class, e -> {
            assertThat(e.reason()).isEqualTo(HboneException.Reason.RESET);
        });
        assertThatThrownBy(() -> stream.output().write(1)).isInstanceOf(HboneException.class);
    }

    @Test
    void C134_drainLetsTunnelsInFlightFinishAndRefusesNewOnes() throws Exception {
        CountDownLatch requestSeen = new CountDownLatch(1);
        HboneServer server = HboneServer.create(request -> {
            requestSeen.countDown();
            return HboneVerdict.accept(HboneHeaders.empty(), TlsFixture::echo);
        });
        int port = tls.serve(server);
        HboneClient client = client(port, HboneSettings.defaults());
        HboneStream inFlight = client.open("10.0.6.1:80", HboneHeaders.empty());
        assertThat(requestSeen.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        AtomicReference<Integer> forced = new AtomicReference<>();
        Thread drainer = Thread.ofVirtual().start(() -> forced.set(server.drain(Duration.ofSeconds(30))));
        await().atMost(Duration.ofSeconds(10)).until(() -> !client.isAvailable());
        assertThatThrownBy(() -> client.open("10.0.6.1:80", HboneHeaders.empty()))
                .isInstanceOf(HboneException.class);
        byte[] data = TlsFixture.pattern(500_000, 3);
        assertThat(roundTrip(inFlight, data)).isEqualTo(data);
        drainer.join(Duration.ofSeconds(30));
        assertThat(forced.get()).isZero();
        await().atMost(Duration.ofSeconds(10)).until(() -> server.connectionCount() == 0);
    }

    @Test
    void C134_drainClosesConnectionsStillBusyAtTheDeadline() throws Exception {
        HboneServer server = HboneServer.create(request -> HboneVerdict.accept(HboneHeaders.empty(), TlsFixture::echo));
        int port = tls.serve(server);
        HboneClient client = client(port, HboneSettings.defaults());
        HboneStream busy = client.open("10.0.6.1:80", HboneHeaders.empty());
        await().atMost(Duration.ofSeconds(10)).until(() -> server.connectionCount() == 1);
        assertThat(server.drain(Duration.ofMillis(200))).isEqualTo(1);
        assertThatThrownBy(() -> busy.input().read()).isInstanceOf(HboneException.class);
    }

    @Test
    @org.junit.jupiter.api.Timeout(120)
    void unreadBytesOfFinishedTunnelsDoNotShrinkTheConnectionWindow() throws Exception {
        java.util.concurrent.Semaphore finished = new java.util.concurrent.Semaphore(0);
        int port = tls.serve(HboneServer.create(request -> request.port() == 1
                ? HboneVerdict.accept(HboneHeaders.empty(), TlsFixture::echo)
                : HboneVerdict.accept(HboneHeaders.empty(), stream -> {
                    try {
                        stream.input().read(); // take one byte; once the rest is buffered, finish unread
                        await().atMost(Duration.ofSeconds(20))
                                .until(() -> stream.input().available() == (1 << 20) - 1);
                    } finally {
                        finished.release();
                    }
                })));
        HboneClient client = client(port, HboneSettings.defaults());
        byte[] mib = new byte[1024 * 1024];
        for (int i = 0; i < 40; i++) { // 40 MiB unread: far more than the 16 MiB connection window
            HboneStream s = client.open("10.0.7.1:2", HboneHeaders.empty());
            try {
                s.output().write(mib);
            } catch (HboneException e) {
                // the server may finish (and reset) before all of it was sent
            }
            assertThat(finished.tryAcquire(20, java.util.concurrent.TimeUnit.SECONDS))
                    .isTrue();
            s.close();
        }
        HboneStream echo = client.open("10.0.7.1:1", HboneHeaders.empty());
        byte[] data = TlsFixture.pattern(8 * 1024 * 1024, 8);
        assertThat(roundTrip(echo, data)).isEqualTo(data);
    }
}
