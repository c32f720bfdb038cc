package io.ambient4j.common.hbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.helidon.http.http2.Http2ErrorCode;
import java.io.ByteArrayOutputStream;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The HBONE codec pieces on byte arrays, without sockets. */
class HboneCodecTest {

    @Test
    void settingsAfterAnUnknownIdAreStillApplied() throws Exception {
        // python-h2 sends ENABLE_CONNECT_PROTOCOL (0x8) before MAX_CONCURRENT_STREAMS: trap 1 of hbone-notes.
        byte[] frame = PeerSettings.encode(new int[][] {
            {0x8, 1},
            {PeerSettings.MAX_CONCURRENT_STREAMS, 100},
            {PeerSettings.INITIAL_WINDOW_SIZE, 1 << 20},
            {PeerSettings.MAX_FRAME_SIZE, 65536},
            {0xff42, 7}
        });
        byte[] payload = java.util.Arrays.copyOfRange(frame, Frames.HEADER_LENGTH, frame.length);
        PeerSettings s = PeerSettings.defaults().apply(payload, payload.length);
        assertThat(s.maxConcurrentStreams()).isEqualTo(100);
        assertThat(s.initialWindowSize()).isEqualTo(1 << 20);
        assertThat(s.maxFrameSize()).isEqualTo(65536);
        assertThat(s.headerTableSize()).isEqualTo(4096);
    }

    @ParameterizedTest
    @CsvSource({
        "2, 2, PROTOCOL", // ENABLE_PUSH must be 0 or 1
        "4, -2147483648, FLOW_CONTROL", // INITIAL_WINDOW_SIZE 2^31
        "5, 16383, PROTOCOL", // MAX_FRAME_SIZE below 2^14
        "5, 16777216, PROTOCOL" // MAX_FRAME_SIZE above 2^24-1
    })
    void invalidSettingsAreConnectionErrors(int id, int value, Http2ErrorCode code) {
        byte[] frame = PeerSettings.encode(new int[][] {{id, value}});
        byte[] payload = java.util.Arrays.copyOfRange(frame, Frames.HEADER_LENGTH, frame.length);
        assertThatThrownBy(() -> PeerSettings.defaults().apply(payload, payload.length))
                .isInstanceOfSatisfying(H2Error.class, e -> {
                    assertThat(e.code()).isEqualTo(code);
                    assertThat(e.isConnectionError()).isTrue();
                });
    }

    @Test
    void settingsLengthNotMultipleOfSixIsFrameSizeError() {
        assertThatThrownBy(() -> PeerSettings.defaults().apply(new byte[7], 7))
                .isInstanceOfSatisfying(H2Error.class, e -> assertThat(e.code()).isEqualTo(Http2ErrorCode.FRAME_SIZE));
    }

    @Test
    void connectRequestRoundTripsThroughHelidonsDecoder() throws Exception {
        HboneHeaders headers = HboneHeaders.of(
                "baggage", "k8s.namespace.name=ns,service.name=svc",
                "forwarded", "for=\"10.0.0.9:41234\";host=svc.ns.svc.cluster.local",
                "traceparent", "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-00");
        byte[] block = Hpack.encodeConnect("[fd00::1]:8080", headers);
        Hpack.Decoded d = new Hpack.Decoder().decode(1, block, block.length, false);
        assertThat(d.method()).isEqualTo("CONNECT");
        assertThat(d.authority()).isEqualTo("[fd00::1]:8080");
        assertThat(d.scheme()).isNull();
        assertThat(d.path()).isNull();
        assertThat(d.headers().first("baggage")).contains("k8s.namespace.name=ns,service.name=svc");
        assertThat(d.headers().first("forwarded")).contains("for=\"10.0.0.9:41234\";host=svc.ns.svc.cluster.local");
        assertThat(d.headers().first("traceparent")).isPresent();
    }

    @ParameterizedTest
    @CsvSource({"200", "400", "401", "431", "503"})
    void responseStatusRoundTrips(int status) throws Exception {
        byte[] block = Hpack.encodeResponse(status, HboneHeaders.of("baggage", "k8s.pod.name=p"));
        Hpack.Decoded d = new Hpack.Decoder().decode(1, block, block.length, true);
        assertThat(d.status()).isEqualTo(status);
        assertThat(d.headers().first("baggage")).contains("k8s.pod.name=p");
    }

    @Test
    void longHeaderValuesUseMultiByteIntegers() throws Exception {
        String big = "x".repeat(20_000);
        byte[] block = Hpack.encodeConnect("1.2.3.4:80", HboneHeaders.of("baggage", big));
        Hpack.Decoded d = new Hpack.Decoder().decode(1, block, block.length, false);
        assertThat(d.headers().first("baggage")).contains(big);
        assertThat(d.listSize()).isGreaterThan(16 * 1024);
    }

    @Test
    void hpackIntegerEncodingMatchesRfc7541Examples() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Hpack.integer(out, 0, 5, 10); // C.1.1
        Hpack.integer(out, 0, 5, 1337); // C.1.2
        Hpack.integer(out, 0, 8, 42); // C.1.3
        assertThat(out.toByteArray()).containsExactly(0x0a, 0x1f, 0x9a, 0x0a, 0x2a);
    }

    @Test
    void garbageHeaderBlockIsACompressionError() {
        byte[] block = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f};
        assertThatThrownBy(() -> new Hpack.Decoder().decode(1, block, block.length, false))
                .isInstanceOfSatisfying(H2Error.class, e -> {
                    assertThat(e.code()).isEqualTo(Http2ErrorCode.COMPRESSION);
                    assertThat(e.isConnectionError()).isTrue();
                });
    }

    @Test
    void connectionSpecificFieldsAreFlagged() throws Exception {
        byte[] block = Hpack.encodeConnect("1.2.3.4:80", HboneHeaders.of("connection", "close"));
        assertThat(new Hpack.Decoder().decode(1, block, block.length, false).connectionSpecificField())
                .isEqualTo("connection");
    }

    @Test
    void headersSplitIntoContinuationsWithEndStreamOnHeaders() {
        byte[] block = new byte[40_000];
        byte[] frames = Frames.headersFrames(7, block, true, 16384);
        FrameHeader first = FrameHeader.parse(frames);
        assertThat(first.type()).isEqualTo(Frames.HEADERS);
        assertThat(first.length()).isEqualTo(16384);
        assertThat(first.has(Frames.FLAG_END_STREAM)).isTrue();
        assertThat(first.has(Frames.FLAG_END_HEADERS)).isFalse();
        int off = Frames.HEADER_LENGTH + 16384;
        FrameHeader second = FrameHeader.parse(java.util.Arrays.copyOfRange(frames, off, off + 9));
        assertThat(second.type()).isEqualTo(Frames.CONTINUATION);
        assertThat(second.has(Frames.FLAG_END_STREAM)).isFalse();
        off += Frames.HEADER_LENGTH + 16384;
        FrameHeader third = FrameHeader.parse(java.util.Arrays.copyOfRange(frames, off, off + 9));
        assertThat(third.length()).isEqualTo(40_000 - 2 * 16384);
        assertThat(third.has(Frames.FLAG_END_HEADERS)).isTrue();
        assertThat(frames).hasSize(40_000 + 3 * 9);
        Frames.restamp(frames, 9);
        assertThat(FrameHeader.parse(java.util.Arrays.copyOfRange(frames, off, off + 9))
                        .streamId())
                .isEqualTo(9);
    }

    @Test
    void dataFramesAlignToJdkTlsRecords() {
        // 16367 application bytes fit one JDK TLS 1.3 record (hbone-notes §3a).
        assertThat(Frames.alignedDataPayload(16384) + Frames.HEADER_LENGTH).isEqualTo(16367);
        assertThat(Frames.alignedDataPayload(1 << 20) + Frames.HEADER_LENGTH).isEqualTo(4 * 16367);
        assertThat(Frames.alignedDataPayload(65535) + Frames.HEADER_LENGTH).isEqualTo(4 * 16367);
    }

    @Test
    void frameHeaderDropsTheReservedBit() {
        byte[] h = new byte[9];
        Frames.header(h, 0, 0x123456, Frames.DATA, Frames.FLAG_END_STREAM, 5);
        h[5] |= (byte) 0x80;
        FrameHeader parsed = FrameHeader.parse(h);
        assertThat(parsed.length()).isEqualTo(0x123456);
        assertThat(parsed.streamId()).isEqualTo(5);
        assertThat(parsed.has(Frames.FLAG_END_STREAM)).isTrue();
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "10.0.0.1:8080|10.0.0.1|8080",
                "[fd00::1]:80|fd00::1|80",
                "[::ffff:10.0.0.1]:443|::ffff:10.0.0.1|443",
                "reviews.default.svc.cluster.local:9080|reviews.default.svc.cluster.local|9080",
                "10.0.0.1|-|-",
                "10.0.0.1:|-|-",
                "10.0.0.1:0|-|-",
                "10.0.0.1:65536|-|-",
                "fd00::1:80|-|-",
                "[fd00::1]80|-|-",
                "[zz::1]:80|-|-",
                ":80|-|-",
                "a b:80|-|-",
                "host:8o|-|-"
            })
    void authorityParsing(String authority, String host, String port) {
        Optional<Authority> parsed = Authority.parse(authority);
        if (host.equals("-")) {
            assertThat(parsed).isEmpty();
        } else {
            assertThat(parsed).contains(new Authority(host, Integer.parseInt(port)));
        }
    }
}
