package io.ambient4j.conformance.echo;

import io.netty.buffer.ByteBuf;

/** Copies Netty buffers out to arrays at the socket edge. */
public final class ByteBufs {
    private ByteBufs() {}

    public static byte[] bytes(ByteBuf buf) {
        byte[] b = new byte[buf.readableBytes()];
        buf.readBytes(b);
        return b;
    }
}
