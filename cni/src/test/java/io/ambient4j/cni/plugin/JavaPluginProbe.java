package io.ambient4j.cni.plugin;

import java.io.IOException;
import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Option (b) of the plugin design, reduced to its cheapest possible form for measurement only: a Java
 * process that reads stdin and the CNI variables, posts a fixed-shape add event over the Unix socket and
 * prints stdin back. A real Java plugin would also parse JSON (loading far more classes), so its start-up
 * is at least this. {@code CniAddBench} runs it with and without an AppCDS archive.
 */
public final class JavaPluginProbe {
    private JavaPluginProbe() {}

    public static void main(String[] args) throws IOException {
        byte[] stdin;
        try (InputStream in = System.in) {
            stdin = in.readAllBytes();
        }
        String body = "{\"Netns\":\"" + System.getenv("CNI_NETNS") + "\",\"PodName\":\"" + args[1]
                + "\",\"PodNamespace\":\"" + args[2] + "\",\"IPs\":[]}";
        String request = "POST /cmdadd HTTP/1.1\r\nHost: unix\r\nContent-Type: application/json\r\nContent-Length: "
                + body.length() + "\r\nConnection: close\r\n\r\n" + body;
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(Path.of(args[0])));
            ch.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.UTF_8)));
            ByteBuffer reply = ByteBuffer.allocate(4096);
            while (ch.read(reply) >= 0) {
                if (!reply.hasRemaining()) {
                    break;
                }
            }
            String head = new String(reply.array(), 0, reply.position(), StandardCharsets.UTF_8);
            if (!head.startsWith("HTTP/1.1 200")) {
                System.out.println("{\"cniVersion\":\"1.0.0\",\"code\":11,\"msg\":\"agent refused\"}");
                System.exit(1);
            }
        }
        System.out.write(stdin);
        System.out.flush();
    }
}
