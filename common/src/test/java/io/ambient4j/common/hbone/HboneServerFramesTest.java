package io.ambient4j.common.hbone;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.helidon.http.http2.Http2ErrorCode;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The server's frame handling, fed raw bytes in memory (no sockets, no TLS). */
class HboneServerFramesTest {
    private final ConcurrentLinkedQueue<HboneRequest> seen = new ConcurrentLinkedQueue<>();
    private final java.util.concurrent.CountDownLatch tunnelsMayEnd = new java.util.concurrent.CountDownLatch(1);
    private final HboneServer server = HboneServer.create(request -> {
        seen.add(request);
        if (request.port() == 7) {
            // a tunnel that never reads: its stream window must run out
            return HboneVerdict.accept(HboneHeaders.empty(), stream -> {
                try {
                    tunnelsMayEnd.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        return HboneVerdict.reject(503);
    });

    /** Runs the server on {@code input} and waits until {@code done} holds for its output. */
    private List<RawFrames.Frame> exchange(byte[] input, java.util.function.Predicate<List<RawFrames.Frame>> done)
            throws Exception {
        GatedInput in = new GatedInput(input);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AtomicReference<H2Error> result = new AtomicReference<>();
        Thread t = Thread.ofVirtual().start(() -> result.set(server.serveForTest(in, out, () -> {})));
        await().atMost(Duration.ofSeconds(10)).until(() -> done.test(RawFrames.parse(out.toByteArray())));
        in.release();
        t.join(Duration.ofSeconds(10));
        assertThat(t.isAlive()).isFalse();
        return RawFrames.parse(out.toByteArray());
    }

    private static boolean hasHeadersFor(List<RawFrames.Frame> frames, int sid) {
        return frames.stream()
                .anyMatch(f -> f.header().type() == Frames.HEADERS && f.header().streamId() == sid);
    }

    @Test
    void C069_nonConnectGets400AndTheHandlerNeverRuns() throws Exception {
        byte[] get = Hpack.encodeResponse(200, HboneHeaders.empty()); // placeholder, replaced below
        java.io.ByteArrayOutputStream block = new java.io.ByteArrayOutputStream();
        block.write(0x82); // :method GET (static 2)
        block.write(0x86); // :scheme http
        block.write(0x84); // :path /
        block.writeBytes(new byte[] {0x01, 0x06});
        block.writeBytes("a.b:80".getBytes());
        assertThat(get).isNotEmpty();
        byte[] input = RawFrames.clientStart()
                .headers(1, block.toByteArray(), true)
                .connect(3, "10.0.0.1:80", HboneHeaders.empty())
                .bytes();
        List<RawFrames.Frame> frames = exchange(input, f -> hasHeadersFor(f, 1) && hasHeadersFor(f, 3));
        assertThat(RawFrames.statuses(frames, 1)).containsExactly(400);
        assertThat(RawFrames.statuses(frames, 3)).containsExactly(503);
        assertThat(seen).extracting(HboneRequest::streamId).containsExactly(3);
    }

    @Test
    void connectWithoutAuthorityOrWithPathGets400() throws Exception {
        java.io.ByteArrayOutputStream noAuthority = new java.io.ByteArrayOutputStream();
        noAuthority.writeBytes(new byte[] {0x02, 0x07});
        noAuthority.writeBytes("CONNECT".getBytes());
        byte[] withPath = Hpack.encodeConnect("10.0.0.1:80", HboneHeaders.empty());
        java.io.ByteArrayOutputStream pathBlock = new java.io.ByteArrayOutputStream();
        pathBlock.writeBytes(withPath);
        pathBlock.write(0x84); // :path /
        // a :path after regular fields would be a compression error; here it follows pseudo fields only
        byte[] input = RawFrames.clientStart()
                .headers(1, noAuthority.toByteArray(), false)
                .headers(3, pathBlock.toByteArray(), false)
                .connect(5, "not-an-authority", HboneHeaders.empty())
                .bytes();
        List<RawFrames.Frame> frames =
                exchange(input, f -> hasHeadersFor(f, 1) && hasHeadersFor(f, 3) && hasHeadersFor(f, 5));
        assertThat(RawFrames.statuses(frames, 1)).containsExactly(400);
        assertThat(RawFrames.statuses(frames, 3)).containsExactly(400);
        assertThat(RawFrames.statuses(frames, 5)).containsExactly(400);
        assertThat(seen).isEmpty();
    }

    @Test
    void oversizedHeaderListGets431AndTheConnectionCarriesOn() throws Exception {
        byte[] input = RawFrames.clientStart()
                .connect(1, "10.0.0.1:80", HboneHeaders.of("baggage", "v".repeat(20_000)))
                .connect(3, "10.0.0.1:80", HboneHeaders.of("baggage", "small"))
                .bytes();
        List<RawFrames.Frame> frames = exchange(input, f -> hasHeadersFor(f, 1) && hasHeadersFor(f, 3));
        assertThat(RawFrames.statuses(frames, 1)).containsExactly(431);
        assertThat(RawFrames.statuses(frames, 3)).containsExactly(503);
        assertThat(frames).noneMatch(f -> f.header().type() == Frames.GOAWAY);
    }

    @Test
    void connectionSpecificHeaderIsAStreamErrorOnly() throws Exception {
        byte[] input = RawFrames.clientStart()
                .connect(1, "10.0.0.1:80", HboneHeaders.of("connection", "keep-alive"))
                .connect(3, "10.0.0.1:80", HboneHeaders.empty())
                .bytes();
        List<RawFrames.Frame> frames = exchange(input, f -> hasHeadersFor(f, 3));
        assertThat(frames).anySatisfy(f -> {
            assertThat(f.header().type()).isEqualTo(Frames.RST_STREAM);
            assertThat(f.header().streamId()).isEqualTo(1);
            assertThat(f.errorCode()).isEqualTo(Http2ErrorCode.PROTOCOL.code());
        });
        assertThat(frames).noneMatch(f -> f.header().type() == Frames.GOAWAY);
    }

    @Test
    void hugeHeaderBlockIsRefusedWithGoAway() throws Exception {
        byte[] input = RawFrames.clientStart()
                .connect(1, "10.0.0.1:80", HboneHeaders.of("baggage", "v".repeat(80_000)))
                .bytes();
        List<RawFrames.Frame> frames =
                exchange(input, f -> f.stream().anyMatch(x -> x.header().type() == Frames.GOAWAY));
        assertThat(frames)
                .filteredOn(f -> f.header().type() == Frames.GOAWAY)
                .singleElement()
                .satisfies(f -> assertThat(f.errorCode()).isEqualTo(Http2ErrorCode.ENHANCE_YOUR_CALM.code()));
    }

    @Test
    void badPrefaceAndFrameErrorsGetGoAwayWithTheRightCode() throws Exception {
        record Case(byte[] input, Http2ErrorCode code) {}
        List<Case> cases = List.of(
                new Case("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(), Http2ErrorCode.PROTOCOL),
                new Case(RawFrames.clientStart().data(0, new byte[3], false).bytes(), Http2ErrorCode.PROTOCOL),
                new Case(RawFrames.clientStart().data(9, new byte[3], false).bytes(), Http2ErrorCode.PROTOCOL),
                new Case(
                        RawFrames.clientStart()
                                .frame(Frames.PING, 0, 0, new byte[7])
                                .bytes(),
                        Http2ErrorCode.FRAME_SIZE),
                new Case(
                        RawFrames.clientStart()
                                .frame(Frames.SETTINGS, 0, 1, new byte[0])
                                .bytes(),
                        Http2ErrorCode.PROTOCOL),
                new Case(
                        RawFrames.clientStart()
                                .frame(Frames.WINDOW_UPDATE, 0, 0, new byte[4])
                                .bytes(),
                        Http2ErrorCode.PROTOCOL),
                new Case(
                        RawFrames.clientStart()
                                .frame(Frames.CONTINUATION, 4, 1, new byte[1])
                                .bytes(),
                        Http2ErrorCode.PROTOCOL),
                new Case(
                        RawFrames.clientStart()
                                .frame(Frames.PUSH_PROMISE, 4, 1, new byte[4])
                                .bytes(),
                        Http2ErrorCode.PROTOCOL),
                new Case(
                        RawFrames.clientStart()
                                .connect(2, "1.1.1.1:1", HboneHeaders.empty())
                                .bytes(),
                        Http2ErrorCode.PROTOCOL),
                new Case(
                        RawFrames.clientStart()
                                .headers(
                                        1, new byte[] {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x7f}, false)
                                .bytes(),
                        Http2ErrorCode.COMPRESSION),
                new Case(
                        RawFrames.clientStart()
                                .raw(new byte[] {0x10, 0, 1, 0, 0, 0, 0, 0, 1})
                                .bytes(),
                        Http2ErrorCode.FRAME_SIZE),
                new Case(withoutSettings(), Http2ErrorCode.PROTOCOL));
        for (Case c : cases) {
            List<RawFrames.Frame> frames =
                    exchange(c.input(), f -> f.stream().anyMatch(x -> x.header().type() == Frames.GOAWAY));
            assertThat(frames)
                    .filteredOn(f -> f.header().type() == Frames.GOAWAY)
                    .singleElement()
                    .satisfies(
                            f -> assertThat(Http2ErrorCode.get(f.errorCode())).isEqualTo(c.code()));
        }
    }

    @Test
    void dataBeyondTheStreamWindowResetsOnlyThatStream() throws Exception {
        RawFrames f = RawFrames.clientStart().connect(1, "1.1.1.1:7", HboneHeaders.empty());
        for (int i = 0; i < 5; i++) {
            f.data(1, new byte[1 << 20], false); // 5 MiB against a 4 MiB stream window
        }
        f.connect(3, "1.1.1.1:1", HboneHeaders.empty());
        List<RawFrames.Frame> frames = exchange(f.bytes(), fr -> hasHeadersFor(fr, 3));
        assertThat(frames).anySatisfy(x -> {
            assertThat(x.header().type()).isEqualTo(Frames.RST_STREAM);
            assertThat(x.header().streamId()).isEqualTo(1);
            assertThat(x.errorCode()).isEqualTo(Http2ErrorCode.FLOW_CONTROL.code());
        });
        assertThat(frames).noneMatch(x -> x.header().type() == Frames.GOAWAY);
        tunnelsMayEnd.countDown();
    }

    private static byte[] withoutSettings() {
        RawFrames f = new RawFrames();
        f.raw(Frames.PREFACE).frame(Frames.PING, 0, 0, new byte[8]);
        return f.bytes();
    }
}
