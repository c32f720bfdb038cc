package io.ambient4j.common.hbone;

import static org.assertj.core.api.Assertions.assertThat;

import io.helidon.http.http2.Http2ErrorCode;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Bounded fuzzing of the server's frame decoder: valid conversations with random mutations, and
 * random frames, fed as bytes. Every run must end (EOF or a classified protocol error), never with an
 * unclassified exception, a hang or unbounded memory.
 */
class HboneFuzzTest {
    private static final int ITERATIONS = 5000;
    private static final Duration BUDGET = Duration.ofSeconds(40);

    private final HboneServer server = HboneServer.create(request -> request.port() % 2 == 0
            ? HboneVerdict.reject(503)
            : HboneVerdict.accept(HboneHeaders.empty(), TlsFixture::echo));

    @Test
    void mutatedAndRandomFramesEndInProtocolErrorsOnly() throws Exception {
        Random random = new Random(0x48B0E);
        Map<Http2ErrorCode, Integer> outcomes = new EnumMap<>(Http2ErrorCode.class);
        int clean = 0;
        long deadline = System.nanoTime() + BUDGET.toNanos();
        int runs = 0;
        for (; runs < ITERATIONS && System.nanoTime() < deadline; runs++) {
            byte[] input = runs % 3 == 0 ? randomFrames(random) : mutate(valid(random), random);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            H2Error error = server.serveForTest(new ByteArrayInputStream(input), out, () -> {});
            if (error == null) {
                clean++;
            } else {
                assertThat(error.code())
                        .as("run %d ended with an unclassified error: %s", runs, error.getMessage())
                        .isNotEqualTo(Http2ErrorCode.INTERNAL);
                outcomes.merge(error.code(), 1, Integer::sum);
                assertThat(RawFrames.parse(out.toByteArray()))
                        .as("a connection error is announced with GOAWAY")
                        .anyMatch(f -> f.header().type() == Frames.GOAWAY);
            }
        }
        System.out.printf("fuzz: %d runs, %d clean EOF, connection errors %s%n", runs, clean, outcomes);
        assertThat(runs).isGreaterThan(100);
        assertThat(outcomes).containsKeys(Http2ErrorCode.PROTOCOL, Http2ErrorCode.FRAME_SIZE);
        assertThat(clean
                        + outcomes.values().stream().mapToInt(Integer::intValue).sum())
                .isEqualTo(runs);
    }

    private static byte[] valid(Random random) {
        RawFrames f = RawFrames.clientStart();
        int streams = 1 + random.nextInt(4);
        for (int i = 0; i < streams; i++) {
            int sid = 1 + 2 * i;
            f.connect(sid, "10.0.0." + (1 + i) + ":" + (80 + random.nextInt(4)), HboneHeaders.of("baggage", "k=v" + i));
            f.data(sid, new byte[random.nextInt(2000)], random.nextBoolean());
            f.frame(Frames.WINDOW_UPDATE, 0, sid, new byte[] {0, 0, 1, 0});
        }
        f.frame(Frames.PING, 0, 0, new byte[8]);
        f.frame(Frames.SETTINGS, 0, 0, new byte[] {0, 4, 0, 1, 0, 0});
        f.frame(Frames.PRIORITY, 0, 1, new byte[5]);
        f.frame(Frames.RST_STREAM, 0, 1, new byte[] {0, 0, 0, 8});
        return f.bytes();
    }

    private static byte[] mutate(byte[] input, Random random) {
        byte[] b = input.clone();
        int preface = Frames.PREFACE.length;
        int mutations = 1 + random.nextInt(6);
        for (int i = 0; i < mutations; i++) {
            int pos = preface + random.nextInt(b.length - preface);
            switch (random.nextInt(4)) {
                case 0 -> b[pos] = (byte) random.nextInt(256);
                case 1 -> b[pos] ^= (byte) (1 << random.nextInt(8));
                case 2 -> b = java.util.Arrays.copyOf(b, pos); // truncate
                default -> b[pos] = (byte) (random.nextBoolean() ? 0xff : 0x00);
            }
            if (b.length <= preface + 1) {
                break;
            }
        }
        return b;
    }

    private static byte[] randomFrames(Random random) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(RawFrames.clientStart().bytes());
        int frames = 1 + random.nextInt(12);
        for (int i = 0; i < frames; i++) {
            int len = random.nextInt(10) == 0 ? random.nextInt(1 << 24) : random.nextInt(64);
            byte[] header = new byte[9];
            Frames.header(header, 0, len, random.nextInt(12), random.nextInt(256), random.nextInt(8));
            out.writeBytes(header);
            byte[] payload = new byte[Math.min(len, 4096)];
            random.nextBytes(payload);
            out.writeBytes(payload);
        }
        return out.toByteArray();
    }
}
