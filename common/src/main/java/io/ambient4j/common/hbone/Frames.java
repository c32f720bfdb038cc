package io.ambient4j.common.hbone;

import io.helidon.http.http2.Http2ErrorCode;
import io.helidon.http.http2.Http2FrameType;
import io.helidon.http.http2.Http2Util;
import java.nio.charset.StandardCharsets;

/**
 * HTTP/2 frame constants and encoders that write straight into byte arrays, so every frame leaves in
 * a single {@code write} with its 9-byte header in front of the payload.
 */
final class Frames {
    static final int HEADER_LENGTH = 9;
    static final int DATA = Http2FrameType.DATA.type();
    static final int HEADERS = Http2FrameType.HEADERS.type();
    static final int PRIORITY = Http2FrameType.PRIORITY.type();
    static final int RST_STREAM = Http2FrameType.RST_STREAM.type();
    static final int SETTINGS = Http2FrameType.SETTINGS.type();
    static final int PUSH_PROMISE = Http2FrameType.PUSH_PROMISE.type();
    static final int PING = Http2FrameType.PING.type();
    static final int GOAWAY = Http2FrameType.GO_AWAY.type();
    static final int WINDOW_UPDATE = Http2FrameType.WINDOW_UPDATE.type();
    static final int CONTINUATION = Http2FrameType.CONTINUATION.type();

    static final int FLAG_END_STREAM = 0x1;
    static final int FLAG_ACK = 0x1;
    static final int FLAG_END_HEADERS = 0x4;
    static final int FLAG_PADDED = 0x8;
    static final int FLAG_PRIORITY = 0x20;

    /** The client connection preface, {@code PRI * HTTP/2.0...}. */
    static final byte[] PREFACE = Http2Util.prefaceData().readBytes();

    /** Application bytes the JDK puts in one TLS 1.3 record (16384 minus padding and type byte). */
    static final int TLS_RECORD_PAYLOAD = 16367;

    private Frames() {}

    /** Writes a frame header at {@code off}. */
    static void header(byte[] buf, int off, int length, int type, int flags, int streamId) {
        buf[off] = (byte) (length >>> 16);
        buf[off + 1] = (byte) (length >>> 8);
        buf[off + 2] = (byte) length;
        buf[off + 3] = (byte) type;
        buf[off + 4] = (byte) flags;
        putInt(buf, off + 5, streamId & 0x7fffffff);
    }

    static void putInt(byte[] buf, int off, int value) {
        buf[off] = (byte) (value >>> 24);
        buf[off + 1] = (byte) (value >>> 16);
        buf[off + 2] = (byte) (value >>> 8);
        buf[off + 3] = (byte) value;
    }

    static int getInt(byte[] buf, int off) {
        return ((buf[off] & 0xff) << 24)
                | ((buf[off + 1] & 0xff) << 16)
                | ((buf[off + 2] & 0xff) << 8)
                | (buf[off + 3] & 0xff);
    }

    static byte[] windowUpdate(int streamId, int increment) {
        byte[] f = new byte[HEADER_LENGTH + 4];
        header(f, 0, 4, WINDOW_UPDATE, 0, streamId);
        putInt(f, HEADER_LENGTH, increment);
        return f;
    }

    static byte[] rstStream(int streamId, Http2ErrorCode code) {
        byte[] f = new byte[HEADER_LENGTH + 4];
        header(f, 0, 4, RST_STREAM, 0, streamId);
        putInt(f, HEADER_LENGTH, code.code());
        return f;
    }

    static byte[] goAway(int lastStreamId, Http2ErrorCode code, String debug) {
        byte[] text = debug == null ? new byte[0] : debug.getBytes(StandardCharsets.UTF_8);
        int len = 8 + Math.min(text.length, 256);
        byte[] f = new byte[HEADER_LENGTH + len];
        header(f, 0, len, GOAWAY, 0, 0);
        putInt(f, HEADER_LENGTH, lastStreamId);
        putInt(f, HEADER_LENGTH + 4, code.code());
        System.arraycopy(text, 0, f, HEADER_LENGTH + 8, len - 8);
        return f;
    }

    static byte[] pingAck(byte[] payload) {
        byte[] f = new byte[HEADER_LENGTH + 8];
        header(f, 0, 8, PING, FLAG_ACK, 0);
        System.arraycopy(payload, 0, f, HEADER_LENGTH, 8);
        return f;
    }

    static byte[] settingsAck() {
        byte[] f = new byte[HEADER_LENGTH];
        header(f, 0, 0, SETTINGS, FLAG_ACK, 0);
        return f;
    }

    /**
     * Splits an encoded header block into HEADERS + CONTINUATION frames no longer than {@code maxFrame};
     * END_STREAM goes on the HEADERS frame (RFC 9113 §6.2), END_HEADERS on the last one.
     */
    static byte[] headersFrames(int streamId, byte[] block, boolean endStream, int maxFrame) {
        int frames = Math.max(1, (block.length + maxFrame - 1) / maxFrame);
        byte[] out = new byte[block.length + frames * HEADER_LENGTH];
        int src = 0;
        int dst = 0;
        for (int i = 0; i < frames; i++) {
            int len = Math.min(maxFrame, block.length - src);
            int type = i == 0 ? HEADERS : CONTINUATION;
            int flags = (i == frames - 1 ? FLAG_END_HEADERS : 0) | (i == 0 && endStream ? FLAG_END_STREAM : 0);
            header(out, dst, len, type, flags, streamId);
            System.arraycopy(block, src, out, dst + HEADER_LENGTH, len);
            src += len;
            dst += HEADER_LENGTH + len;
        }
        return out;
    }

    /** Rewrites the stream id of every frame in a block produced by {@link #headersFrames}. */
    static void restamp(byte[] frames, int streamId) {
        int off = 0;
        while (off < frames.length) {
            int len = ((frames[off] & 0xff) << 16) | ((frames[off + 1] & 0xff) << 8) | (frames[off + 2] & 0xff);
            putInt(frames, off + 5, streamId);
            off += HEADER_LENGTH + len;
        }
    }

    /**
     * The DATA payload per frame that keeps each write aligned to whole JDK TLS records: 65459 + 9 =
     * 4 records when the peer accepts 64 KiB frames, else 16358 + 9 = 1 record.
     */
    static int alignedDataPayload(int peerMaxFrameSize) {
        int fourRecords = 4 * TLS_RECORD_PAYLOAD - HEADER_LENGTH;
        if (peerMaxFrameSize >= fourRecords) {
            return fourRecords;
        }
        return Math.min(peerMaxFrameSize, TLS_RECORD_PAYLOAD - HEADER_LENGTH);
    }
}
