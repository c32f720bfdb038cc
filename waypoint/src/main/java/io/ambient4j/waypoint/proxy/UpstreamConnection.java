package io.ambient4j.waypoint.proxy;

import io.ambient4j.common.hbone.HboneStream;
import io.ambient4j.common.relay.Relay;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * A byte stream to one endpoint: an HBONE CONNECT stream (mesh workloads) or a plain TCP socket (workloads outside
 * the mesh). {@link #abort()} may be called from a timer thread to unblock the exchange.
 */
sealed interface UpstreamConnection extends Closeable {
    InputStream input();

    OutputStream output();

    Relay.Side relaySide() throws IOException;

    /** Tears the connection down at once (timeouts). */
    void abort();

    @Override
    void close();

    record Hbone(HboneStream stream) implements UpstreamConnection {
        @Override
        public InputStream input() {
            return stream.input();
        }

        @Override
        public OutputStream output() {
            return stream.output();
        }

        @Override
        public Relay.Side relaySide() {
            return stream.relaySide();
        }

        @Override
        public void abort() {
            stream.reset();
        }

        @Override
        public void close() {
            stream.close();
        }
    }

    record Plain(Socket socket) implements UpstreamConnection {
        @Override
        public InputStream input() {
            try {
                return socket.getInputStream();
            } catch (IOException e) {
                return InputStream.nullInputStream();
            }
        }

        @Override
        public OutputStream output() {
            try {
                return socket.getOutputStream();
            } catch (IOException e) {
                return OutputStream.nullOutputStream();
            }
        }

        @Override
        public Relay.Side relaySide() throws IOException {
            return Relay.Side.of(socket);
        }

        @Override
        public void abort() {
            close();
        }

        @Override
        public void close() {
            try {
                socket.close();
            } catch (IOException e) {
                // closing a socket that is already broken
            }
        }
    }
}
