package io.ambient4j.ztunnel.proxy;

import io.ambient4j.common.net.NonBlockingSocket;
import io.ambient4j.common.relay.Relay;
import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Optional;

/**
 * A plain TCP end of a relay (the captured client, or the application) that ends with a TCP reset unless both
 * directions finished cleanly: when the tunnel behind it is reset (policy denial, upstream failure) the client must
 * see a reset, as with upstream ztunnel, not an orderly EOF it could mistake for a complete response.
 *
 * <p>It also takes bytes without blocking ({@link #tryWrite}), so an HBONE connection's reader can deliver DATA into
 * it directly. Once a relay uses it, the channel must be closed through {@link #close()} or {@link #reset()} only.
 */
final class AppSide implements Relay.Side {
    private final SocketChannel channel;
    private final Optional<NonBlockingSocket> sender;
    private volatile boolean readEof;
    private volatile boolean wroteEof;

    AppSide(SocketChannel channel) {
        this.channel = channel;
        this.sender = NonBlockingSocket.of(channel);
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n;
        do {
            n = channel.read(ByteBuffer.wrap(buffer, offset, length));
        } while (n == 0);
        if (n < 0) {
            readEof = true;
        }
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
    public boolean canTryWrite() {
        return sender.isPresent();
    }

    @Override
    public Optional<NonBlockingSocket> nonBlockingSocket() {
        return sender;
    }

    @Override
    public void readEnded() {
        readEof = true;
    }

    @Override
    public int tryWrite(byte[] buffer, int offset, int length) {
        return sender.map(s -> s.trySend(buffer, offset, length)).orElse(0);
    }

    @Override
    public void shutdownOutput() throws IOException {
        channel.shutdownOutput();
        wroteEof = true;
    }

    @Override
    public void close() throws IOException {
        if (!(readEof && wroteEof)) {
            reset();
        } else if (sender.isPresent()) {
            sender.get().close(SocketChannel::close);
        } else {
            channel.close();
        }
    }

    /** Closes with a TCP reset (see {@link #reset(SocketChannel)}), after any direct send in progress. */
    void reset() {
        if (sender.isPresent()) {
            try {
                sender.get().close(AppSide::reset);
            } catch (IOException e) {
                // reset(SocketChannel) reports nothing
            }
        } else {
            reset(channel);
        }
    }

    /** Closes with SO_LINGER 0, so the peer gets RST. */
    static void reset(SocketChannel channel) {
        try {
            if (channel.isOpen()) {
                channel.setOption(StandardSocketOptions.SO_LINGER, 0);
            }
        } catch (IOException e) {
            // the socket is already gone; closing below is all that is left
        }
        try {
            channel.close();
        } catch (IOException e) {
            // nothing more to do
        }
    }
}
