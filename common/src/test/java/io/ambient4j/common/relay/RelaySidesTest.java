package io.ambient4j.common.relay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The blocking-socket and stream-pair adapters, on real loopback sockets. */
class RelaySidesTest {

    @Test
    void socketsAndStreamPairsRelayWithHalfClose() throws Exception {
        try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
                ServerSocket front = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
                ServerSocket back = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            // One side as a Socket, the other as a stream pair whose half-close is the socket's.
            Future<Relay.Result> relay = threads.submit(() -> {
                Socket downstream = front.accept();
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), back.getLocalPort());
                Relay.Side streams = Relay.Side.of(
                        upstream.getInputStream(), upstream.getOutputStream(), upstream::shutdownOutput, upstream);
                return Relay.relay(Relay.Side.of(downstream), streams);
            });
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), front.getLocalPort());
                    Socket server = back.accept()) {
                Future<String> served = threads.submit(() -> {
                    String request = readAll(server.getInputStream());
                    server.getOutputStream().write(("echo:" + request).getBytes(StandardCharsets.UTF_8));
                    server.shutdownOutput();
                    return request;
                });
                client.getOutputStream().write("hi".getBytes(StandardCharsets.UTF_8));
                client.shutdownOutput();
                assertThat(readAll(client.getInputStream())).isEqualTo("echo:hi");
                assertThat(served.get(10, TimeUnit.SECONDS)).isEqualTo("hi");
            }
            assertThat(relay.get(10, TimeUnit.SECONDS)).isEqualTo(new Relay.Result(2, 7, null));
        }
    }

    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
