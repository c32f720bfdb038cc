package io.ambient4j.common.hbone;

import io.helidon.http.http2.Http2ErrorCode;

/**
 * The SETTINGS a peer announced. Parsed here rather than with Helidon's {@code Http2Settings},
 * which loses every setting after an id it does not know (hbone-notes trap 1).
 */
record PeerSettings(
        int headerTableSize,
        boolean enablePush,
        int maxConcurrentStreams,
        int initialWindowSize,
        int maxFrameSize,
        int maxHeaderListSize) {

    static final int HEADER_TABLE_SIZE = 0x1;
    static final int ENABLE_PUSH = 0x2;
    static final int MAX_CONCURRENT_STREAMS = 0x3;
    static final int INITIAL_WINDOW_SIZE = 0x4;
    static final int MAX_FRAME_SIZE = 0x5;
    static final int MAX_HEADER_LIST_SIZE = 0x6;

    static final int MAX_WINDOW = Integer.MAX_VALUE;
    static final int MIN_FRAME = 16384;
    static final int MAX_FRAME = (1 << 24) - 1;

    /** RFC 9113 §6.5.2 initial values, in force until the peer's first SETTINGS arrives. */
    static PeerSettings defaults() {
        return new PeerSettings(4096, true, Integer.MAX_VALUE, 65535, MIN_FRAME, Integer.MAX_VALUE);
    }

    /** Applies one SETTINGS payload; unknown ids are skipped as RFC 9113 §6.5.2 requires. */
    PeerSettings apply(byte[] payload, int length) throws H2Error {
        if (length % 6 != 0) {
            throw H2Error.connection(
                    Http2ErrorCode.FRAME_SIZE, "SETTINGS length " + length + " is not a multiple of 6");
        }
        int table = headerTableSize;
        boolean push = enablePush;
        int streams = maxConcurrentStreams;
        int window = initialWindowSize;
        int frame = maxFrameSize;
        int headerList = maxHeaderListSize;
        for (int off = 0; off < length; off += 6) {
            int id = ((payload[off] & 0xff) << 8) | (payload[off + 1] & 0xff);
            long value = Frames.getInt(payload, off + 2) & 0xffffffffL;
            switch (id) {
                case HEADER_TABLE_SIZE -> table = clamp(value);
                case ENABLE_PUSH -> {
                    if (value > 1) {
                        throw H2Error.connection(Http2ErrorCode.PROTOCOL, "ENABLE_PUSH must be 0 or 1, got " + value);
                    }
                    push = value == 1;
                }
                case MAX_CONCURRENT_STREAMS -> streams = clamp(value);
                case INITIAL_WINDOW_SIZE -> {
                    if (value > MAX_WINDOW) {
                        throw H2Error.connection(
                                Http2ErrorCode.FLOW_CONTROL, "INITIAL_WINDOW_SIZE " + value + " exceeds 2^31-1");
                    }
                    window = (int) value;
                }
                case MAX_FRAME_SIZE -> {
                    if (value < MIN_FRAME || value > MAX_FRAME) {
                        throw H2Error.connection(Http2ErrorCode.PROTOCOL, "MAX_FRAME_SIZE " + value + " out of range");
                    }
                    frame = (int) value;
                }
                case MAX_HEADER_LIST_SIZE -> headerList = clamp(value);
                default -> {
                    // unknown settings (e.g. ENABLE_CONNECT_PROTOCOL) are ignored, not fatal
                }
            }
        }
        return new PeerSettings(table, push, streams, window, frame, headerList);
    }

    private static int clamp(long value) {
        return (int) Math.min(value, Integer.MAX_VALUE);
    }

    /** Encodes our own SETTINGS frame (header included). */
    static byte[] encode(int[][] idValuePairs) {
        byte[] f = new byte[Frames.HEADER_LENGTH + 6 * idValuePairs.length];
        Frames.header(f, 0, 6 * idValuePairs.length, Frames.SETTINGS, 0, 0);
        int off = Frames.HEADER_LENGTH;
        for (int[] kv : idValuePairs) {
            f[off] = (byte) (kv[0] >>> 8);
            f[off + 1] = (byte) kv[0];
            Frames.putInt(f, off + 2, kv[1]);
            off += 6;
        }
        return f;
    }
}
