package io.ambient4j.common.hbone;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import javax.net.ssl.SSLSocket;

/**
 * The inbound side of HBONE (port 15008): serves HTTP/2 CONNECT streams on an accepted mutual-TLS
 * connection and hands each one to an {@link HboneHandler}. Answers 400 to anything but a well-formed
 * CONNECT with a {@code host:port} authority, 431 to header lists over the limit, and {@code 200}
 * only after the handler accepted. Protocol violations end the offending stream (RST_STREAM) or, when
 * the connection state is no longer trustworthy, the connection (GOAWAY); never other streams' data.
 */
public final class HboneServer {
    private final HboneSettings settings;
    private final HboneHandler handler;
    private final Set<H2Connection> live = ConcurrentHashMap.newKeySet();

    private HboneServer(HboneSettings settings, HboneHandler handler) {
        this.settings = settings;
        this.handler = handler;
    }

    public static HboneServer create(HboneHandler handler) {
        return new HboneServer(HboneSettings.defaults(), handler);
    }

    public static HboneServer create(HboneSettings settings, HboneHandler handler) {
        return new HboneServer(settings, handler);
    }

    /**
     * Serves one accepted TLS connection until it ends. Blocks: call it on the connection's own
     * (virtual) thread, which becomes the connection's frame reader. Completes the TLS handshake if
     * needed and requires ALPN {@code h2}; the caller has already checked the peer certificate policy.
     */
    public void serve(SSLSocket socket) throws HboneException {
        try {
            if (socket.getApplicationProtocol() == null) {
                socket.startHandshake(); // a failed handshake throws here, with its cause
            }
            if (!"h2".equals(socket.getApplicationProtocol())) {
                socket.close();
                throw new HboneException(
                        HboneException.Reason.NOT_H2,
                        0,
                        0,
                        "ALPN negotiated " + socket.getApplicationProtocol() + ", HBONE needs h2",
                        null);
            }
            socket.setTcpNoDelay(true);
            run(socket.getInputStream(), socket.getOutputStream(), socket, socket);
        } catch (HboneException e) {
            throw e;
        } catch (IOException e) {
            throw HboneException.closed("HBONE connection failed: " + e.getMessage(), e);
        }
    }

    /**
     * Serves HTTP/2 over an arbitrary byte-stream pair (e.g. the inner connection of double HBONE, or
     * bytes in a test). Returns when the peer goes away; {@code transport} is closed at the end.
     */
    public void serve(InputStream in, OutputStream out, Closeable transport) {
        run(in, out, transport, null);
    }

    /** For codec tests: serves and reports the connection error we answered with GOAWAY, if any. */
    H2Error serveForTest(InputStream in, OutputStream out, Closeable transport) {
        return run(in, out, transport, null);
    }

    private H2Error run(InputStream in, OutputStream out, Closeable transport, java.net.Socket socket) {
        H2Connection conn =
                new H2Connection(H2Connection.Role.SERVER, in, out, transport, socket, settings, handler, "server");
        live.add(conn);
        try {
            return conn.runServer();
        } finally {
            live.remove(conn);
        }
    }

    /** Connections being served right now. */
    public int connectionCount() {
        return live.size();
    }

    /**
     * Graceful shutdown (SIGTERM): every connection gets GOAWAY(NO_ERROR) and refuses new streams;
     * tunnels in flight may finish until {@code deadline}, then the remaining connections are closed.
     *
     * @return how many connections had to be closed at the deadline
     */
    public int drain(Duration deadline) {
        long end = System.nanoTime() + deadline.toNanos();
        List<H2Connection> now = List.copyOf(live);
        now.forEach(H2Connection::drain);
        int forced = 0;
        for (H2Connection conn : now) {
            if (!conn.awaitClosed(end)) {
                conn.close();
                forced++;
            }
        }
        return forced;
    }
}
