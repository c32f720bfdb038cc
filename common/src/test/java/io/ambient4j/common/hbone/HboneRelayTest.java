package io.ambient4j.common.hbone;

import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.common.relay.Relay;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A miniature ztunnel pair on loopback: app socket -> outbound relay -> pooled HBONE over mTLS ->
 * inbound handler (connect upstream, then 200) -> relay -> app server. Checks bytes, half-close and
 * the 503 answer when the upstream connect fails.
 */
class HboneRelayTest {
    private final TlsFixture tls = new TlsFixture();
    private final ServerSocket app = listen();
    private final ServerSocket outbound = listen();
    private HbonePool pool;

    private static ServerSocket listen() {
        try {
            return new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void close() throws IOException {
        if (pool != null) {
            pool.close();
        }
        app.close();
        outbound.close();
        tls.close();
    }

    /** The app server: echoes until EOF, then half-closes (so half-close must cross both tunnels). */
    private void startEchoApp() {
        Thread.ofVirtual().start(() -> {
            while (true) {
                Socket s;
                try {
                    s = app.accept();
                } catch (IOException closed) {
                    return;
                }
                Thread.ofVirtual().start(() -> {
                    try (s) {
                        s.getInputStream().transferTo(s.getOutputStream());
                        s.shutdownOutput();
                        s.getInputStream().read();
                    } catch (IOException e) {
                        // the test sees it
                    }
                });
            }
        });
    }

    /** Inbound phases: connect upstream (503 if refused), answer 200 only then, relay. */
    private int startInbound() throws IOException {
        return tls.serve(HboneServer.create(request -> {
            Socket upstream;
            try {
                upstream = new Socket(InetAddress.getLoopbackAddress(), request.port());
            } catch (IOException refused) {
                return HboneVerdict.reject(503);
            }
            return HboneVerdict.accept(HboneHeaders.empty(), stream -> {
                try {
                    Relay.relay(stream.relaySide(), Relay.Side.of(upstream));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }));
    }

    /** Outbound: every accepted app connection becomes a CONNECT to {@code target} through the pool. */
    private void startOutbound(int hbonePort, int targetPort, AtomicReference<IOException> openFailure) {
        pool = HbonePool.create(k -> tls.dial(k.destination().getPort()));
        HbonePool.Key key = new HbonePool.Key(
                TlsFixture.CLIENT_ID,
                Set.of(TlsFixture.SERVER_ID),
                InetAddress.getLoopbackAddress(),
                new InetSocketAddress(InetAddress.getLoopbackAddress(), hbonePort));
        Thread.ofVirtual().start(() -> {
            while (true) {
                Socket s;
                try {
                    s = outbound.accept();
                } catch (IOException closed) {
                    return;
                }
                Thread.ofVirtual().start(() -> {
                    try {
                        HboneStream stream = pool.open(key, "127.0.0.1:" + targetPort, HboneHeaders.empty());
                        Relay.relay(Relay.Side.of(s), stream.relaySide());
                    } catch (IOException e) {
                        openFailure.set(e);
                        try {
                            s.close(); // the app sees its connection end, as with ztunnel
                        } catch (IOException ignored) {
                            // already closed
                        }
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            }
        });
    }

    @Test
    void C062_appBytesCrossTheMeshWithHalfClose() throws Exception {
        startEchoApp();
        startOutbound(startInbound(), app.getLocalPort(), new AtomicReference<>());
        byte[] data = TlsFixture.pattern(2 * 1024 * 1024 + 5, 12);
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), outbound.getLocalPort())) {
            Thread writer = Thread.ofVirtual().start(() -> {
                try {
                    client.getOutputStream().write(data);
                    client.shutdownOutput();
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            });
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            client.getInputStream().transferTo(got);
            writer.join();
            assertThat(got.toByteArray()).isEqualTo(data);
        }
    }

    @Test
    void refusedUpstreamIs503AndTheAppConnectionCloses() throws Exception {
        int deadPort;
        try (ServerSocket gone = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            deadPort = gone.getLocalPort();
        }
        AtomicReference<IOException> failure = new AtomicReference<>();
        startOutbound(startInbound(), deadPort, failure);
        try (Socket client = new Socket(InetAddress.getLoopbackAddress(), outbound.getLocalPort())) {
            InputStream in = client.getInputStream();
            int first;
            try {
                first = in.read();
            } catch (IOException reset) {
                first = -1;
            }
            assertThat(first).isEqualTo(-1);
        }
        assertThat(failure.get())
                .isInstanceOfSatisfying(
                        HboneException.class, e -> assertThat(e.status()).isEqualTo(503));
    }
}
