package io.ambient4j.cni.plugin;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;

/**
 * The HTTP/1.1 endpoint on the plugin event socket ({@code /var/run/istio-cni/pluginevent.sock}): one
 * {@code POST /cmdadd} per pod sandbox, answered {@code 200} only once the handler says the pod may start.
 * Helidon's server does not listen on Unix sockets, and the protocol needed here is a single request per
 * connection, so this is a deliberately small server: one virtual thread per connection, bounded head and
 * body, {@code Connection: close}.
 */
public final class PluginEventServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PluginEventServer.class.getName());
    /** Upstream's path for add events. */
    public static final String ADD_PATH = "/cmdadd";

    public static final Path DEFAULT_SOCKET = Path.of("/var/run/istio-cni/pluginevent.sock");
    private static final int MAX_HEAD = 16 * 1024;
    private static final int MAX_BODY = 1024 * 1024;

    /** Decides the answer to one add event. */
    @FunctionalInterface
    public interface Handler {
        Reply handle(CniAddEvent event);
    }

    /** HTTP status and a one-line text body. */
    public record Reply(int status, String message) {
        public static Reply ok(String message) {
            return new Reply(200, message);
        }
    }

    /** Observes every answer (for metrics). */
    @FunctionalInterface
    public interface Listener {
        void answered(int status);
    }

    private final Path path;
    private final ServerSocketChannel server;
    private final Handler handler;
    private final Listener listener;
    private final Thread acceptor;

    private PluginEventServer(Path path, ServerSocketChannel server, Handler handler, Listener listener) {
        this.path = path;
        this.server = server;
        this.handler = handler;
        this.listener = listener;
        this.acceptor = Thread.ofVirtual().name("plugin-events").unstarted(this::acceptLoop);
    }

    /** Binds {@code path} (a stale socket file from an earlier run is replaced) and starts serving. */
    public static PluginEventServer start(Path path, Handler handler, Listener listener) throws IOException {
        Files.createDirectories(path.toAbsolutePath().getParent());
        Files.deleteIfExists(path);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            server.bind(UnixDomainSocketAddress.of(path), 128);
            // Only root (the runtime running the plugin) may post events.
            Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
        } catch (IOException e) {
            server.close();
            throw e;
        }
        PluginEventServer s = new PluginEventServer(path, server, handler, listener);
        s.acceptor.start();
        LOG.log(Level.INFO, "listening for CNI plugin events on {0}", path);
        return s;
    }

    public Path path() {
        return path;
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            try {
                SocketChannel ch = server.accept();
                Thread.ofVirtual().name("plugin-event").start(() -> serve(ch));
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                LOG.log(Level.WARNING, "accepting a plugin connection: {0}", e.getMessage());
            }
        }
    }

    private void serve(SocketChannel ch) {
        try (ch;
                InputStream in = new BufferedInputStream(Channels.newInputStream(ch));
                OutputStream out = Channels.newOutputStream(ch)) {
            Reply reply = answer(in);
            listener.answered(reply.status());
            byte[] body = (reply.message() + "\n").getBytes(StandardCharsets.UTF_8);
            String head = "HTTP/1.1 " + reply.status() + " " + reason(reply.status()) + "\r\n"
                    + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
        } catch (IOException e) {
            LOG.log(Level.WARNING, "plugin connection: {0}", e.getMessage());
        }
    }

    private Reply answer(InputStream in) throws IOException {
        String head = readHead(in);
        if (head == null) {
            return new Reply(400, "request head missing or larger than " + MAX_HEAD + " bytes");
        }
        String[] lines = head.split("\r\n");
        String[] request = lines[0].split(" ");
        if (request.length != 3 || !request[2].startsWith("HTTP/1.")) {
            return new Reply(400, "malformed request line");
        }
        if (!request[1].equals(ADD_PATH)) {
            return new Reply(404, "no such path " + request[1]);
        }
        if (!request[0].equals("POST")) {
            return new Reply(405, "only POST is allowed on " + ADD_PATH);
        }
        int length = -1;
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            if (colon > 0
                    && lines[i].substring(0, colon)
                            .strip()
                            .toLowerCase(Locale.ROOT)
                            .equals("content-length")) {
                try {
                    length = Integer.parseInt(lines[i].substring(colon + 1).strip());
                } catch (NumberFormatException e) {
                    return new Reply(400, "bad Content-Length");
                }
            }
        }
        if (length < 0 || length > MAX_BODY) {
            return new Reply(length < 0 ? 411 : 413, "a Content-Length up to " + MAX_BODY + " is required");
        }
        byte[] body = in.readNBytes(length);
        if (body.length != length) {
            return new Reply(400, "body shorter than Content-Length");
        }
        CniAddEvent event;
        try {
            event = CniAddEvent.parse(body);
        } catch (PluginEventException e) {
            LOG.log(Level.WARNING, "refused plugin event: {0}", e.getMessage());
            return new Reply(400, e.getMessage());
        }
        try {
            return handler.handle(event);
        } catch (RuntimeException e) {
            LOG.log(Level.ERROR, "handling add event for {0}/{1} failed", event.podNamespace(), event.podName(), e);
            return new Reply(500, "internal error: " + e);
        }
    }

    /** Reads up to and including the blank line; null if it is too long or the peer stops early. */
    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        while (head.size() < MAX_HEAD) {
            int b = in.read();
            if (b < 0) {
                return null;
            }
            head.write(b);
            matched = (b == "\r\n\r\n".charAt(matched)) ? matched + 1 : (b == '\r' ? 1 : 0);
            if (matched == 4) {
                String s = head.toString(StandardCharsets.ISO_8859_1);
                return s.substring(0, s.length() - 4);
            }
        }
        return null;
    }

    private static String reason(int status) {
        return switch (status) {
            case 200 -> "OK";
            case 400 -> "Bad Request";
            case 404 -> "Not Found";
            case 405 -> "Method Not Allowed";
            case 411 -> "Length Required";
            case 413 -> "Content Too Large";
            case 503 -> "Service Unavailable";
            default -> "Internal Server Error";
        };
    }

    @Override
    public void close() throws IOException {
        server.close();
        acceptor.interrupt();
        Files.deleteIfExists(path);
    }
}
