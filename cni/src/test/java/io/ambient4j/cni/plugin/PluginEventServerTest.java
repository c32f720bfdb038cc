package io.ambient4j.cni.plugin;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The event server at the HTTP level: only {@code POST /cmdadd} with a valid body reaches the handler. */
@Timeout(30)
class PluginEventServerTest {
    @TempDir
    Path dir;

    private PluginEventServer server;
    private final List<Integer> answered = new CopyOnWriteArrayList<>();
    private final List<CniAddEvent> handled = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
    }

    private String exchange(String request) throws Exception {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(server.path()));
            ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)));
            ch.shutdownOutput();
            ByteBuffer buf = ByteBuffer.allocate(8192);
            while (ch.read(buf) >= 0) {
                // until the server closes
            }
            return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
        }
    }

    private static String post(String path, String body) {
        return "POST " + path + " HTTP/1.1\r\nHost: unix\r\nContent-Length: " + body.length() + "\r\n\r\n" + body;
    }

    @Test
    void onlyValidAddEventsReachTheHandler() throws Exception {
        Path sock = dir.resolve("pluginevent.sock");
        Files.writeString(sock, "stale file from an earlier run");
        server = PluginEventServer.start(
                sock,
                e -> {
                    handled.add(e);
                    return PluginEventServer.Reply.ok("captured");
                },
                answered::add);
        assertThat(Files.getPosixFilePermissions(sock)).hasSize(2);

        String ok = exchange(post("/cmdadd", "{\"Netns\":\"/n\",\"PodName\":\"w\",\"PodNamespace\":\"a\",\"IPs\":[]}"));
        assertThat(ok).startsWith("HTTP/1.1 200 OK\r\n").endsWith("captured\n");
        assertThat(exchange("GET /cmdadd HTTP/1.1\r\nHost: unix\r\n\r\n")).startsWith("HTTP/1.1 405 ");
        assertThat(exchange(post("/cmddel", "{}"))).startsWith("HTTP/1.1 404 ");
        assertThat(exchange("POST /cmdadd HTTP/1.1\r\nHost: unix\r\n\r\n")).startsWith("HTTP/1.1 411 ");
        assertThat(exchange(post("/cmdadd", "{\"Netns\":")))
                .startsWith("HTTP/1.1 400 ")
                .contains("MALFORMED_JSON");
        assertThat(exchange(post("/cmdadd", "{\"Netns\":\"/n\"}")))
                .startsWith("HTTP/1.1 400 ")
                .contains("MISSING_FIELD: PodName");
        assertThat(exchange("garbage\r\n\r\n")).startsWith("HTTP/1.1 400 ");
        assertThat(handled).hasSize(1);
        assertThat(answered).containsExactly(200, 405, 404, 411, 400, 400, 400);
    }
}
