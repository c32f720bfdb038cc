package io.ambient4j.common.hbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.ambient4j.common.net.NonBlockingSocket;
import io.ambient4j.common.relay.Relay;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The connection's send loop (HboneStream as a {@link Relay.Side.Pulling} destination of an application socket):
 * bytes arrive complete and in order, a tunnel out of flow-control window stalls alone while its neighbours on the
 * same connection keep flowing, and a reset or a lost connection ends a pull at once.
 */
@Timeout(120)
class SendLoopTest {
    private static final int SINK_PORT = 1;
    private static final int ECHO_PORT = 2;
    private static final int RESET_PORT = 3;
    /** The server's stream receive window: small, so one unread tunnel exhausts it quickly (not the connection's). */
    private static final int WINDOW = 65_535;

    private final TlsFixture tls = new TlsFixture();
    private final ServerSocketChannel apps = listen();
    private final List<SocketChannel> open = new ArrayList<>();
    private final CountDownLatch sinkMayRead = new CountDownLatch(1);
    private final AtomicReference<byte[]> sunk = new AtomicReference<>();
    private final CountDownLatch sinkDone = new CountDownLatch(1);

    private static ServerSocketChannel listen() {
        try {
            ServerSocketChannel s = ServerSocketChannel.open();
            s.setOption(StandardSocketOptions.SO_RCVBUF, 8192); // inherited by accepted sockets: backpressure early
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void close() throws IOException {
        for (SocketChannel c : open) {
            c.close();
        }
        apps.close();
        tls.close();
    }

    /** The HBONE server: port 1 reads nothing until allowed, then everything; port 2 echoes; port 3 resets. */
    private int serve() throws IOException {
        HboneSettings small = HboneSettings.defaults().withWindows(WINDOW, 16 * 1024 * 1024);
        return tls.serve(HboneServer.create(
                small,
                request -> HboneVerdict.accept(HboneHeaders.empty(), stream -> {
                    try {
                        switch (request.port()) {
                            case SINK_PORT -> {
                                sinkMayRead.await();
                                sunk.set(stream.input().readAllBytes());
                                sinkDone.countDown();
                            }
                            case ECHO_PORT -> TlsFixture.echo(stream);
                            default -> stream.reset();
                        }
                    } catch (IOException | InterruptedException e) {
                        stream.reset();
                    }
                })));
    }

    /** A connected pair: the test writes into the first, the relay reads the second. */
    private SocketChannel[] appPair() throws IOException {
        SocketChannel writer = SocketChannel.open(apps.getLocalAddress());
        SocketChannel relayEnd = apps.accept();
        writer.setOption(StandardSocketOptions.SO_SNDBUF, 8192);
        open.add(writer);
        open.add(relayEnd);
        return new SocketChannel[] {writer, relayEnd};
    }

    private static Thread relay(SocketChannel app, HboneStream stream, AtomicReference<Relay.Result> result) {
        return Thread.ofVirtual().start(() -> {
            try {
                result.set(Relay.relay(Relay.Side.of(app), stream.relaySide(), stream.preferredWriteSize(), 16384));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
    }

    @Test
    void C062_aTunnelOutOfWindowStallsAloneAndThenDeliversEverythingInOrder() throws Exception {
        int port = serve();
        byte[] data = TlsFixture.pattern(8 * 1024 * 1024 + 11, 3);
        try (HboneClient client = tls.client(port, HboneSettings.defaults())) {
            HboneStream slow = client.open("127.0.0.1:" + SINK_PORT, HboneHeaders.empty());
            SocketChannel[] slowApp = appPair();
            AtomicReference<Relay.Result> slowResult = new AtomicReference<>();
            Thread slowRelay = relay(slowApp[1], slow, slowResult);
            AtomicLong written = new AtomicLong();
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    ByteBuffer b = ByteBuffer.wrap(data);
                    while (b.hasRemaining()) {
                        written.addAndGet(slowApp[0].write(b));
                    }
                    slowApp[0].shutdownOutput();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            // The sink reads nothing: its 64 KiB stream window runs out and the loop must stall that tunnel only.
            HboneStream echo = client.open("127.0.0.1:" + ECHO_PORT, HboneHeaders.empty());
            SocketChannel[] echoApp = appPair();
            AtomicReference<Relay.Result> echoResult = new AtomicReference<>();
            Thread echoRelay = relay(echoApp[1], echo, echoResult);
            byte[] ping = "ping through the same connection".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            for (int round = 0; round < 3; round++) {
                echoApp[0].write(ByteBuffer.wrap(ping));
                ByteBuffer back = ByteBuffer.allocate(ping.length);
                while (back.hasRemaining()) {
                    assertThat(echoApp[0].read(back)).isNotNegative();
                }
                assertThat(back.array()).isEqualTo(ping);
            }
            // The slow tunnel really was stuck meanwhile: its writer is blocked far short of the end.
            assertThat(writer.isAlive()).isTrue();
            assertThat(written.get()).isLessThan(data.length);
            assertThat(sunk.get()).isNull();

            sinkMayRead.countDown();
            assertThat(sinkDone.await(60, TimeUnit.SECONDS)).isTrue();
            writer.join();
            assertThat(sunk.get()).isEqualTo(data); // every byte, in order, then END_STREAM

            echoApp[0].shutdownOutput();
            ByteArrayOutputStream rest = new ByteArrayOutputStream();
            ByteBuffer buf = ByteBuffer.allocate(1024);
            while (echoApp[0].read(buf.clear()) >= 0) {
                rest.write(buf.array(), 0, buf.position());
            }
            assertThat(rest.size()).isZero();
            echoRelay.join(30_000);
            slowApp[0].close();
            slowRelay.join(30_000);
            assertThat(slowRelay.isAlive()).isFalse();
            assertThat(slowResult.get().aToB()).isEqualTo(data.length);
            assertThat(echoResult.get().aToB()).isEqualTo(3L * ping.length);
            assertThat(echoResult.get().clean()).isTrue();
        }
    }

    @Test
    void aPeerResetEndsAPullThatWaitsForTheApplication() throws Exception {
        int port = serve();
        try (HboneClient client = tls.client(port, HboneSettings.defaults())) {
            HboneStream stream = client.open("127.0.0.1:" + RESET_PORT, HboneHeaders.empty());
            SocketChannel[] app = appPair();
            NonBlockingSocket socket = NonBlockingSocket.of(app[1]).orElseThrow();
            Relay.Side.Pulling side = (Relay.Side.Pulling) stream.relaySide();
            // The application sends nothing; only the reset can end this.
            assertThatThrownBy(() -> side.pullFrom(socket, n -> {}))
                    .isInstanceOfSatisfying(
                            HboneException.class, e -> assertThat(e.reason()).isEqualTo(HboneException.Reason.RESET));
        }
    }

    @Test
    void aPullOnAStreamAlreadyResetEndsAtOnceAndLeavesItsSocketUnwatched() throws Exception {
        int port = serve();
        try (HboneClient client = tls.client(port, HboneSettings.defaults())) {
            HboneStream stream = client.open("127.0.0.1:" + RESET_PORT, HboneHeaders.empty());
            assertThatThrownBy(() -> stream.input().read()).isInstanceOf(HboneException.class); // the reset is in
            SocketChannel[] app = appPair();
            app[0].write(ByteBuffer.wrap(new byte[] {1, 2, 3})); // readable: a stale registration would spin
            NonBlockingSocket socket = NonBlockingSocket.of(app[1]).orElseThrow();
            assertThatThrownBy(() -> ((Relay.Side.Pulling) stream.relaySide()).pullFrom(socket, n -> {}))
                    .isInstanceOfSatisfying(
                            HboneException.class, e -> assertThat(e.reason()).isEqualTo(HboneException.Reason.RESET));
            // Not left in the loop's set: it can join another one.
            try (io.ambient4j.common.net.Epoll other = io.ambient4j.common.net.Epoll.open(1)) {
                socket.register(other, 1, () -> {});
                assertThat(other.await(10_000)).isEqualTo(1);
            }
        }
    }

    @Test
    void losingTheConnectionEndsEveryPullAndClosingTheSourceEndsItsOwn() throws Exception {
        int port = serve();
        HboneClient client = tls.client(port, HboneSettings.defaults());
        List<Thread> pulls = new ArrayList<>();
        List<AtomicReference<Throwable>> outcomes = new ArrayList<>();
        List<NonBlockingSocket> sockets = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            HboneStream stream = client.open("127.0.0.1:" + ECHO_PORT, HboneHeaders.empty());
            NonBlockingSocket socket = NonBlockingSocket.of(appPair()[1]).orElseThrow();
            sockets.add(socket);
            AtomicReference<Throwable> outcome = new AtomicReference<>();
            outcomes.add(outcome);
            pulls.add(Thread.ofVirtual().start(() -> {
                try {
                    ((Relay.Side.Pulling) stream.relaySide()).pullFrom(socket, n -> {});
                    outcome.set(new AssertionError("pull ended as if at EOF"));
                } catch (IOException e) {
                    outcome.set(e);
                }
            }));
        }
        // Every pull is registered and waiting (parked) before its source goes away.
        await().atMost(30, TimeUnit.SECONDS)
                .until(() -> pulls.stream().allMatch(t -> t.getState() == Thread.State.WAITING));
        sockets.getFirst().close(SocketChannel::close);
        pulls.getFirst().join(30_000);
        assertThat(outcomes.getFirst().get())
                .isInstanceOf(HboneException.class)
                .hasMessageContaining("application socket closed");
        assertThat(pulls.get(1).isAlive()).isTrue();

        client.close();
        for (int i = 1; i < pulls.size(); i++) {
            pulls.get(i).join(30_000);
            assertThat(pulls.get(i).isAlive()).isFalse();
            assertThat(outcomes.get(i).get()).isInstanceOf(HboneException.class);
        }
    }
}
