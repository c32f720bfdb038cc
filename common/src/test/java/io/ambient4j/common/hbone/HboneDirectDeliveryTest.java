package io.ambient4j.common.hbone;

import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.common.relay.Relay;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The connection reader's direct delivery (HboneStream as a {@link Relay.Side.Pushing} source): DATA goes straight
 * into a destination that can take it without blocking, the rest is queued for the relay thread, and the bytes
 * arrive complete and in order either way.
 */
class HboneDirectDeliveryTest {
    private final TlsFixture tls = new TlsFixture();
    private final ServerSocketChannel app = listen();

    private static ServerSocketChannel listen() {
        try {
            ServerSocketChannel s = ServerSocketChannel.open();
            s.setOption(StandardSocketOptions.SO_RCVBUF, 4096); // inherited: a small window, so sends fill it
            s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            return s;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static final byte[] HELLO = "hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    @AfterEach
    void close() throws IOException {
        app.close();
        tls.close();
    }

    /** Counts what went through each path and opens {@link #partial} once a direct write could not take all. */
    static final class CountingSide implements Relay.Side {
        final Relay.Side inner;
        final AtomicLong direct = new AtomicLong();
        final AtomicLong queued = new AtomicLong();
        final CountDownLatch partial = new CountDownLatch(1);

        CountingSide(Relay.Side inner) {
            this.inner = inner;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            return inner.read(buffer, offset, length);
        }

        @Override
        public void write(byte[] buffer, int offset, int length) throws IOException {
            queued.addAndGet(length);
            inner.write(buffer, offset, length);
        }

        @Override
        public boolean canTryWrite() {
            return inner.canTryWrite();
        }

        @Override
        public int tryWrite(byte[] buffer, int offset, int length) throws IOException {
            int n = inner.tryWrite(buffer, offset, length);
            direct.addAndGet(n);
            if (n < length) {
                partial.countDown();
            }
            return n;
        }

        @Override
        public void shutdownOutput() throws IOException {
            inner.shutdownOutput();
        }

        @Override
        public void close() throws IOException {
            inner.close();
        }
    }

    @Test
    void C062_directDeliveryAndQueuedRestKeepTheByteOrder() throws Exception {
        AtomicReference<CountingSide> upstreamSide = new AtomicReference<>();
        AtomicReference<Relay.Result> result = new AtomicReference<>();
        CountDownLatch relayed = new CountDownLatch(1);
        int port = tls.serve(HboneServer.create(request -> {
            SocketChannel upstream;
            try {
                upstream = SocketChannel.open(new InetSocketAddress(InetAddress.getLoopbackAddress(), request.port()));
            } catch (IOException refused) {
                return HboneVerdict.reject(503);
            }
            CountingSide side = new CountingSide(Relay.Side.of(upstream));
            upstreamSide.set(side);
            return HboneVerdict.accept(HboneHeaders.empty(), stream -> {
                try {
                    result.set(Relay.relay(stream.relaySide(), side));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    relayed.countDown();
                }
            });
        }));
        byte[] data = TlsFixture.pattern(6 * 1024 * 1024 + 3, 7);
        try (HboneClient client = tls.client(port, HboneSettings.defaults())) {
            HboneStream stream = client.open("127.0.0.1:" + app.socket().getLocalPort(), HboneHeaders.empty());
            try (SocketChannel accepted = app.accept()) {
                OutputStream out = stream.output();
                // A first message the app reads at once: the relay is running and its queue is empty afterwards, so
                // what follows is delivered directly until the app's socket is full (without this, frames that
                // arrived before the relay started are queued, and while a queue holds bytes nothing goes direct).
                byte[] hello = HELLO;
                out.write(hello);
                out.flush();
                ByteBuffer first = ByteBuffer.allocate(hello.length);
                while (first.hasRemaining()) {
                    assertThat(accepted.read(first)).isNotNegative();
                }
                assertThat(first.array()).isEqualTo(hello);
                Thread writer = Thread.ofVirtual().start(() -> {
                    try (out) {
                        out.write(data);
                    } catch (IOException e) {
                        throw new IllegalStateException(e);
                    }
                });
                // The app reads nothing more until a direct write found its socket full: the rest must queue.
                assertThat(upstreamSide.get().partial.await(30, TimeUnit.SECONDS))
                        .isTrue();
                ByteArrayOutputStream got = new ByteArrayOutputStream();
                ByteBuffer buf = ByteBuffer.allocate(8192);
                while (accepted.read(buf.clear()) >= 0) {
                    got.write(buf.array(), 0, buf.position());
                }
                writer.join();
                assertThat(got.toByteArray()).isEqualTo(data);
                accepted.shutdownOutput();
                assertThat(stream.input().read()).isEqualTo(-1);
            }
            stream.close();
        }
        assertThat(relayed.await(30, TimeUnit.SECONDS)).isTrue();
        CountingSide side = upstreamSide.get();
        assertThat(side.direct.get()).isPositive();
        assertThat(side.queued.get()).isPositive();
        assertThat(side.direct.get() + side.queued.get()).isEqualTo(data.length + HELLO.length);
        assertThat(result.get().aToB()).isEqualTo(data.length + HELLO.length);
    }
}
