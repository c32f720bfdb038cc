package io.ambient4j.ztunnel.dns;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;

/** DNS over TCP (RFC 1035 §4.2.2, RFC 7766): every message preceded by its length as two bytes. */
final class TcpFraming {
    private TcpFraming() {}

    /** Reads one message; returns null on a clean end of stream before a new message starts. */
    static byte[] read(ReadableByteChannel c) throws IOException {
        ByteBuffer len = ByteBuffer.allocate(2);
        if (!fill(c, len, true)) {
            return null;
        }
        int n = ((len.get(0) & 0xFF) << 8) | (len.get(1) & 0xFF);
        ByteBuffer body = ByteBuffer.allocate(n);
        fill(c, body, false);
        return body.array();
    }

    static void write(WritableByteChannel c, byte[] message) throws IOException {
        if (message.length > 0xFFFF) {
            throw new IOException("DNS message of " + message.length + " bytes does not fit TCP framing");
        }
        ByteBuffer b = ByteBuffer.allocate(2 + message.length);
        b.put((byte) (message.length >> 8))
                .put((byte) message.length)
                .put(message)
                .flip();
        while (b.hasRemaining()) {
            c.write(b);
        }
    }

    private static boolean fill(ReadableByteChannel c, ByteBuffer b, boolean eofAllowedAtStart) throws IOException {
        while (b.hasRemaining()) {
            if (c.read(b) < 0) {
                if (eofAllowedAtStart && b.position() == 0) {
                    return false;
                }
                throw new EOFException("end of stream inside a DNS message");
            }
        }
        return true;
    }
}
