package io.ambient4j.common.relay;

import io.ambient4j.common.net.NonBlockingSocket;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Optional;

/** The {@link Relay.Side} adapters for channels, sockets and stream pairs. */
final class Sides {

    private Sides() {}

    /** A blocking socket channel; it also takes bytes without blocking (see {@link NonBlockingSocket}). */
    static final class ChannelSide implements Relay.Side {
        private final SocketChannel channel;
        private final Optional<NonBlockingSocket> sender;

        ChannelSide(SocketChannel channel) {
            if (!channel.isBlocking()) {
                throw new IllegalArgumentException("relay needs a blocking channel");
            }
            this.channel = channel;
            this.sender = NonBlockingSocket.of(channel);
        }

        @Override
        public boolean canTryWrite() {
            return sender.isPresent();
        }

        @Override
        public Optional<NonBlockingSocket> nonBlockingSocket() {
            return sender;
        }

        @Override
        public int tryWrite(byte[] buffer, int offset, int length) {
            return sender.map(s -> s.trySend(buffer, offset, length)).orElse(0);
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n;
            do {
                n = channel.read(ByteBuffer.wrap(buffer, offset, length));
            } while (n == 0);
            return n;
        }

        @Override
        public void write(byte[] buffer, int offset, int length) throws IOException {
            ByteBuffer b = ByteBuffer.wrap(buffer, offset, length);
            while (b.hasRemaining()) {
                channel.write(b);
            }
        }

        @Override
        public void shutdownOutput() throws IOException {
            channel.shutdownOutput();
        }

        @Override
        public void close() throws IOException {
            if (sender.isPresent()) {
                sender.get().close(SocketChannel::close);
            } else {
                channel.close();
            }
        }
    }

    static final class SocketSide implements Relay.Side {
        private final Socket socket;
        private final InputStream in;
        private final OutputStream out;

        SocketSide(Socket socket) throws IOException {
            this.socket = socket;
            this.in = socket.getInputStream();
            this.out = socket.getOutputStream();
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            return in.read(buffer, offset, length);
        }

        @Override
        public void write(byte[] buffer, int offset, int length) throws IOException {
            out.write(buffer, offset, length);
            out.flush();
        }

        @Override
        public void shutdownOutput() throws IOException {
            socket.shutdownOutput();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    static final class StreamSide implements Relay.Side {
        private final InputStream in;
        private final OutputStream out;
        private final Closeable halfClose;
        private final Closeable close;

        StreamSide(InputStream in, OutputStream out, Closeable halfClose, Closeable close) {
            this.in = in;
            this.out = out;
            this.halfClose = halfClose;
            this.close = close;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            return in.read(buffer, offset, length);
        }

        @Override
        public void write(byte[] buffer, int offset, int length) throws IOException {
            out.write(buffer, offset, length);
            out.flush();
        }

        @Override
        public void shutdownOutput() throws IOException {
            out.flush();
            halfClose.close();
        }

        @Override
        public void close() throws IOException {
            close.close();
        }
    }
}
