package io.ambient4j.common.relay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The relay on real loopback sockets: client -> relay listener -> Relay -> upstream server. */
class RelayTest {

    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private ServerSocketChannel relayListener;
    private ServerSocketChannel upstreamListener;
    private Future<Relay.Result> relay;
    private SocketChannel client;
    private SocketChannel server;

    @BeforeEach
    void connect() throws Exception {
        InetSocketAddress any = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        relayListener = ServerSocketChannel.open().bind(any);
        upstreamListener = ServerSocketChannel.open().bind(any);
        relay = threads.submit(() -> {
            SocketChannel downstream = relayListener.accept();
            SocketChannel upstream = SocketChannel.open(upstreamListener.getLocalAddress());
            return Relay.relay(downstream, upstream);
        });
        client = SocketChannel.open(relayListener.getLocalAddress());
        server = upstreamListener.accept();
    }

    @AfterEach
    void close() throws IOException {
        client.close();
        server.close();
        relayListener.close();
        upstreamListener.close();
        threads.shutdownNow();
    }

    @Test
    void requestThenResponseWithHalfCloseCarriesEveryByte() throws Exception {
        byte[] request = random(1 << 20, 1);
        byte[] response = random(300 * 1024, 2);
        Future<byte[]> serverSaw = threads.submit(() -> {
            byte[] got = readToEof(server); // returns only if the client's EOF was relayed as a half-close
            writeAll(server, response);
            server.shutdownOutput();
            return got;
        });
        writeAll(client, request);
        client.shutdownOutput();
        byte[] clientSaw = readToEof(client);

        assertThat(serverSaw.get(20, TimeUnit.SECONDS)).isEqualTo(request);
        assertThat(clientSaw).isEqualTo(response);
        Relay.Result result = relay.get(20, TimeUnit.SECONDS);
        assertThat(result).isEqualTo(new Relay.Result(request.length, response.length, null));
        assertThat(result.clean()).isTrue();
    }

    @Test
    void serverFirstProtocolKeepsTheOtherDirectionOpenAfterHalfClose() throws Exception {
        writeAll(server, "220 ready\n".getBytes(StandardCharsets.US_ASCII));
        server.shutdownOutput();
        assertThat(new String(readToEof(client), StandardCharsets.US_ASCII)).isEqualTo("220 ready\n");

        // The server->client direction has ended; client->server still works.
        writeAll(client, "QUIT".getBytes(StandardCharsets.US_ASCII));
        client.shutdownOutput();
        assertThat(new String(readToEof(server), StandardCharsets.US_ASCII)).isEqualTo("QUIT");

        assertThat(relay.get(20, TimeUnit.SECONDS)).isEqualTo(new Relay.Result(4, 10, null));
    }

    @Test
    void upstreamResetEndsTheRelayWithAnErrorAndClosesTheClient() throws Exception {
        writeAll(client, "ping".getBytes(StandardCharsets.US_ASCII));
        ByteBuffer four = ByteBuffer.allocate(4);
        while (four.hasRemaining()) {
            server.read(four);
        }
        server.setOption(StandardSocketOptions.SO_LINGER, 0);
        server.close(); // RST

        Relay.Result result = relay.get(20, TimeUnit.SECONDS);
        assertThat(result.clean()).isFalse();
        assertThat(result.error()).isInstanceOf(IOException.class);
        assertThat(result.aToB()).isEqualTo(4);
        // The relay closed its client side: the client sees EOF or a reset, never a hang.
        int read;
        try {
            read = client.read(ByteBuffer.allocate(1));
        } catch (IOException e) {
            read = -1;
        }
        assertThat(read).isEqualTo(-1);
    }

    @Test
    void aSlowReaderStallsTheWriterInsteadOfBeingBuffered() throws Exception {
        int total = 64 << 20;
        client.configureBlocking(false);
        ByteBuffer chunk = ByteBuffer.wrap(random(64 * 1024, 3));
        long[] written = {0};
        int[] idlePolls = {0};
        // The server does not read: once socket buffers are full the client can write nothing more.
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    int n = 0;
                    while (written[0] < total) {
                        chunk.rewind();
                        int w = client.write(chunk);
                        if (w == 0) {
                            break;
                        }
                        written[0] += w;
                        n += w;
                    }
                    idlePolls[0] = n == 0 ? idlePolls[0] + 1 : 0;
                    return idlePolls[0] >= 25;
                });
        assertThat(written[0]).as("bytes accepted while the reader was stalled").isLessThan(total / 4);

        // Now read everything: every byte written arrives, none were lost while stalled.
        Future<Long> drained = threads.submit(() -> {
            long got = 0;
            ByteBuffer b = ByteBuffer.allocate(64 * 1024);
            int n;
            while ((n = server.read(b)) >= 0) {
                got += n;
                b.clear();
            }
            return got;
        });
        client.configureBlocking(true);
        while (written[0] < total) {
            chunk.rewind();
            chunk.limit((int) Math.min(chunk.capacity(), total - written[0]));
            written[0] += client.write(chunk);
            chunk.limit(chunk.capacity());
        }
        client.shutdownOutput();
        assertThat(drained.get(30, TimeUnit.SECONDS)).isEqualTo(total);
        server.shutdownOutput();
        assertThat(relay.get(20, TimeUnit.SECONDS)).isEqualTo(new Relay.Result(total, 0, null));
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static void writeAll(SocketChannel ch, byte[] bytes) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(bytes);
        while (b.hasRemaining()) {
            ch.write(b);
        }
    }

    private static byte[] readToEof(SocketChannel ch) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteBuffer b = ByteBuffer.allocate(32 * 1024);
        while (ch.read(b) >= 0) {
            out.write(b.array(), 0, b.position());
            b.clear();
        }
        return out.toByteArray();
    }
}
