package io.ambient4j.common.hbone;

import io.helidon.common.buffers.BufferData;
import io.helidon.http.Header;
import io.helidon.http.http2.Http2ErrorCode;
import io.helidon.http.http2.Http2Flag;
import io.helidon.http.http2.Http2FrameData;
import io.helidon.http.http2.Http2FrameHeader;
import io.helidon.http.http2.Http2FrameTypes;
import io.helidon.http.http2.Http2Headers;
import io.helidon.http.http2.Http2HuffmanDecoder;
import io.helidon.http.http2.Http2Priority;
import io.helidon.http.http2.Http2RstStream;
import io.helidon.http.http2.Http2Stream;
import io.helidon.http.http2.Http2StreamState;
import io.helidon.http.http2.Http2WindowUpdate;
import io.helidon.http.http2.StreamFlowControl;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * HPACK for our few header fields. Encoding is stateless ("literal without indexing", no Huffman):
 * it never touches the peer's dynamic table, so header blocks may be written in any order and a
 * peer's small SETTINGS_HEADER_TABLE_SIZE is honoured trivially. Decoding is Helidon's; one decoder
 * per connection, because the dynamic table is connection state.
 */
final class Hpack {
    /** Static-table indexes (RFC 7541 appendix A). */
    private static final int AUTHORITY = 1;

    private static final int METHOD = 2;
    private static final int STATUS = 8;
    private static final int STATUS_200_INDEXED = 0x80 | 8;

    private static final Set<String> CONNECTION_SPECIFIC =
            Set.of("connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade");

    private Hpack() {}

    /** A CONNECT request block: {@code :method CONNECT}, {@code :authority}, then the regular fields. */
    static byte[] encodeConnect(String authority, HboneHeaders headers) {
        ByteArrayOutputStream out =
                new ByteArrayOutputStream(64 + 32 * headers.fields().size());
        literalIndexedName(out, METHOD, "CONNECT");
        literalIndexedName(out, AUTHORITY, authority);
        regular(out, headers);
        return out.toByteArray();
    }

    /** A response block: {@code :status}, then the regular fields. */
    static byte[] encodeResponse(int status, HboneHeaders headers) {
        ByteArrayOutputStream out =
                new ByteArrayOutputStream(16 + 32 * headers.fields().size());
        if (status == 200) {
            out.write(STATUS_200_INDEXED);
        } else {
            literalIndexedName(out, STATUS, Integer.toString(status));
        }
        regular(out, headers);
        return out.toByteArray();
    }

    private static void regular(ByteArrayOutputStream out, HboneHeaders headers) {
        for (HboneHeaders.Field f : headers.fields()) {
            out.write(0);
            string(out, f.name());
            string(out, f.value());
        }
    }

    private static void literalIndexedName(ByteArrayOutputStream out, int index, String value) {
        integer(out, 0x00, 4, index);
        string(out, value);
    }

    private static void string(ByteArrayOutputStream out, String s) {
        byte[] b = s.getBytes(StandardCharsets.ISO_8859_1);
        integer(out, 0x00, 7, b.length);
        out.writeBytes(b);
    }

    /** RFC 7541 §5.1 integer with an N-bit prefix; {@code firstBits} are the bits above the prefix. */
    static void integer(ByteArrayOutputStream out, int firstBits, int prefixBits, int value) {
        int max = (1 << prefixBits) - 1;
        if (value < max) {
            out.write(firstBits | value);
            return;
        }
        out.write(firstBits | max);
        int rest = value - max;
        while (rest >= 0x80) {
            out.write((rest & 0x7f) | 0x80);
            rest >>>= 7;
        }
        out.write(rest);
    }

    /** Decoded header block with the pseudo-headers HBONE cares about. */
    record Decoded(String method, String authority, String scheme, String path, int status, HboneHeaders headers) {
        int listSize() {
            int size = headers.listSize();
            size += method == null ? 0 : 32 + 7 + method.length();
            size += authority == null ? 0 : 32 + 10 + authority.length();
            size += scheme == null ? 0 : 32 + 7 + scheme.length();
            size += path == null ? 0 : 32 + 5 + path.length();
            return size + (status < 0 ? 0 : 32 + 7 + 3);
        }

        /** A connection-specific field makes the message malformed (RFC 9113 §8.2.2). */
        String connectionSpecificField() {
            for (HboneHeaders.Field f : headers.fields()) {
                if (CONNECTION_SPECIFIC.contains(f.name())
                        || (f.name().equals("te") && !f.value().equals("trailers"))) {
                    return f.name();
                }
            }
            return null;
        }
    }

    /** One connection's HPACK decoder (its dynamic table is connection state). Reader thread only. */
    static final class Decoder {
        private final Http2Headers.DynamicTable table = Http2Headers.DynamicTable.create(4096);
        private final Http2HuffmanDecoder huffman = Http2HuffmanDecoder.create();

        /**
         * Decodes one complete header block. Any failure is a connection COMPRESSION_ERROR: after a
         * partial decode the dynamic table can no longer be trusted (RFC 9113 §4.3).
         */
        Decoded decode(int streamId, byte[] block, int length, boolean response) throws H2Error {
            try {
                Http2FrameHeader header = Http2FrameHeader.create(
                        length,
                        Http2FrameTypes.HEADERS,
                        Http2Flag.HeaderFlags.create(Http2Flag.END_OF_HEADERS),
                        streamId);
                BufferData data = BufferData.create(block, 0, length);
                Http2Headers h = Http2Headers.create(NO_STREAM, table, huffman, new Http2FrameData(header, data));
                List<HboneHeaders.Field> fields = new ArrayList<>();
                for (Header field : h.httpHeaders()) {
                    for (String value : field.allValues()) {
                        fields.add(new HboneHeaders.Field(field.name(), value));
                    }
                }
                int status = response && h.status() != null ? h.status().code() : -1;
                String method = h.method() == null ? null : h.method().text();
                return new Decoded(method, h.authority(), h.scheme(), h.path(), status, new HboneHeaders(fields));
            } catch (RuntimeException e) {
                throw H2Error.connection(Http2ErrorCode.COMPRESSION, "header block: " + e.getMessage());
            }
        }
    }

    /** Helidon's decoder only asks the stream for priority; HBONE ignores priority. */
    private static final Http2Stream NO_STREAM = new Http2Stream() {
        @Override
        public boolean rstStream(Http2RstStream rstStream) {
            return false;
        }

        @Override
        public void windowUpdate(Http2WindowUpdate windowUpdate) {}

        @Override
        public void headers(Http2Headers headers, boolean endOfStream) {}

        @Override
        public void data(Http2FrameHeader header, BufferData data, boolean endOfStream) {}

        @Override
        public void priority(Http2Priority http2Priority) {}

        @Override
        public int streamId() {
            return 0;
        }

        @Override
        public Http2StreamState streamState() {
            return Http2StreamState.OPEN;
        }

        @Override
        public StreamFlowControl flowControl() {
            return null;
        }
    };
}
