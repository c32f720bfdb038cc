package io.ambient4j.common.hbone;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Builds and parses raw HTTP/2 frame bytes for server tests that bypass our client. */
final class RawFrames {
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();

    static RawFrames clientStart() {
        RawFrames f = new RawFrames();
        f.out.writeBytes(Frames.PREFACE);
        f.out.writeBytes(PeerSettings.encode(new int[][] {{PeerSettings.ENABLE_PUSH, 0}}));
        return f;
    }

    RawFrames frame(int type, int flags, int streamId, byte[] payload) {
        byte[] h = new byte[9];
        Frames.header(h, 0, payload.length, type, flags, streamId);
        out.writeBytes(h);
        out.writeBytes(payload);
        return this;
    }

    RawFrames headers(int streamId, byte[] block, boolean endStream) {
        out.writeBytes(Frames.headersFrames(streamId, block, endStream, 16384));
        return this;
    }

    RawFrames connect(int streamId, String authority, HboneHeaders headers) {
        return headers(streamId, Hpack.encodeConnect(authority, headers), false);
    }

    RawFrames data(int streamId, byte[] payload, boolean endStream) {
        return frame(Frames.DATA, endStream ? Frames.FLAG_END_STREAM : 0, streamId, payload);
    }

    RawFrames raw(byte[] bytes) {
        out.writeBytes(bytes);
        return this;
    }

    byte[] bytes() {
        return out.toByteArray();
    }

    /** A parsed frame the server sent. */
    record Frame(FrameHeader header, byte[] payload) {
        int errorCode() {
            return Frames.getInt(payload, header.type() == Frames.GOAWAY ? 4 : 0);
        }
    }

    /** Splits server output into frames; a trailing partial frame is dropped. */
    static List<Frame> parse(byte[] bytes) {
        List<Frame> frames = new ArrayList<>();
        int off = 0;
        while (off + 9 <= bytes.length) {
            FrameHeader h = FrameHeader.parse(Arrays.copyOfRange(bytes, off, off + 9));
            if (off + 9 + h.length() > bytes.length) {
                break;
            }
            frames.add(new Frame(h, Arrays.copyOfRange(bytes, off + 9, off + 9 + h.length())));
            off += 9 + h.length();
        }
        return frames;
    }

    /** The status of each response HEADERS frame for {@code streamId}, decoded in order. */
    static List<Integer> statuses(List<Frame> frames, int streamId) throws H2Error {
        Hpack.Decoder decoder = new Hpack.Decoder();
        List<Integer> statuses = new ArrayList<>();
        for (Frame f : frames) {
            if (f.header().type() == Frames.HEADERS) {
                Hpack.Decoded d = decoder.decode(f.header().streamId(), f.payload(), f.payload().length, true);
                if (f.header().streamId() == streamId) {
                    statuses.add(d.status());
                }
            }
        }
        return statuses;
    }
}
