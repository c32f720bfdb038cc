package io.ambient4j.common.hbone;

/** The 9-byte HTTP/2 frame header, decoded; the reserved bit of the stream id is dropped. */
record FrameHeader(int length, int type, int flags, int streamId) {

    static FrameHeader parse(byte[] b) {
        int length = ((b[0] & 0xff) << 16) | ((b[1] & 0xff) << 8) | (b[2] & 0xff);
        return new FrameHeader(length, b[3] & 0xff, b[4] & 0xff, Frames.getInt(b, 5) & 0x7fffffff);
    }

    boolean has(int flag) {
        return (flags & flag) != 0;
    }
}
