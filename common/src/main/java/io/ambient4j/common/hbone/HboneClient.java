package io.ambient4j.common.hbone;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import javax.net.ssl.SSLSocket;

/**
 * The outbound side of HBONE on one established mutual-TLS connection: multiplexes CONNECT streams,
 * at most min({@link HboneSettings#maxStreamsPerConnection()}, the server's MAX_CONCURRENT_STREAMS)
 * at a time. {@link #open} returns only after the server answered {@code 200}; any other answer is an
 * {@link HboneException} carrying the status, so the caller never relays bytes into a refused tunnel.
 */
public final class HboneClient implements Closeable {
    private final H2Connection conn;
    private final HboneSettings settings;

    private HboneClient(H2Connection conn, HboneSettings settings) {
        this.conn = conn;
        this.settings = settings;
    }

    /** Starts HTTP/2 on a TLS socket that negotiated ALPN {@code h2}; waits for the server's SETTINGS. */
    public static HboneClient connect(SSLSocket socket, HboneSettings settings) throws HboneException {
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
            return connect(
                    socket.getInputStream(),
                    socket.getOutputStream(),
                    socket,
                    settings,
                    socket.getRemoteSocketAddress().toString());
        } catch (HboneException e) {
            throw e;
        } catch (IOException e) {
            throw HboneException.closed("HBONE connection failed: " + e.getMessage(), e);
        }
    }

    /** Starts HTTP/2 over an arbitrary byte-stream pair (e.g. TLS inside an outer HBONE stream). */
    public static HboneClient connect(InputStream in, OutputStream out, Closeable transport, HboneSettings settings)
            throws HboneException {
        return connect(in, out, transport, settings, "stream");
    }

    private static HboneClient connect(
            InputStream in, OutputStream out, Closeable transport, HboneSettings settings, String name)
            throws HboneException {
        H2Connection conn = new H2Connection(H2Connection.Role.CLIENT, in, out, transport, null, settings, null, name);
        conn.startClient();
        return new HboneClient(conn, settings);
    }

    /**
     * Opens a tunnel: CONNECT {@code authority} ({@code ip:port}, {@code [v6]:port} or
     * {@code host:port}) with {@code headers}. Waits for a free stream slot if the connection is at its cap.
     */
    public HboneStream open(String authority, HboneHeaders headers) throws HboneException {
        conn.reserve();
        return conn.openReserved(authority, headers, settings.handshakeTimeout());
    }

    /** Reserves capacity for one stream without waiting; the pool uses it to pick a connection. */
    boolean tryReserve() {
        return conn.tryReserve();
    }

    /** Opens a stream on a slot taken with {@link #tryReserve()}; the slot is released on failure. */
    HboneStream openReserved(String authority, HboneHeaders headers) throws HboneException {
        return conn.openReserved(authority, headers, settings.handshakeTimeout());
    }

    /** Streams open or reserved now. */
    public int activeStreams() {
        return conn.activeStreams();
    }

    /** The stream cap currently in force. */
    public int maxStreams() {
        return conn.maxStreams();
    }

    /** True until the connection failed, was closed, or received GOAWAY. */
    public boolean isAvailable() {
        return conn.isAvailable();
    }

    long idleNanos() {
        return conn.idleNanos();
    }

    /** Sends GOAWAY and closes the connection; open streams fail. */
    @Override
    public void close() {
        conn.close();
    }
}
