package io.ambient4j.waypoint.http;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A bounded fuzz of the codec: mutated request lines, headers and chunk sizes. Every input must end in a request,
 * a clear {@link HttpException}, or an end-of-stream {@link IOException} — never another exception, never a hang
 * (the inputs are finite byte arrays, so a hang would be a loop that does not consume).
 */
public class Http1FuzzTest {
    static final String[] SEEDS = {
        "GET /a?b=c HTTP/1.1\r\nHost: h\r\nX: y\r\n\r\n",
        "POST /p HTTP/1.1\r\nHost: h\r\nContent-Length: 4\r\n\r\nbody",
        "POST /p HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n\r\n4\r\nwiki\r\n0\r\n\r\n",
        "HEAD / HTTP/1.0\r\n\r\n",
    };
    static final byte[] INTERESTING = " \r\n:\t;0fF-\u0000\u00ff/?%".getBytes(StandardCharsets.ISO_8859_1);

    @Test
    @Timeout(60)
    void mutatedRequestsFailCleanly() {
        Random rnd = new Random(20261127);
        int requests = 0;
        int rejected = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] b = SEEDS[rnd.nextInt(SEEDS.length)].getBytes(StandardCharsets.ISO_8859_1);
            int edits = 1 + rnd.nextInt(4);
            for (int e = 0; e < edits; e++) {
                b = mutate(b, rnd);
            }
            HttpInput in = new HttpInput(new ByteArrayInputStream(b), 64);
            try {
                var head = Http1.readRequestHead(in);
                if (head.isPresent()) {
                    Http1.readBody(in, Http1.requestFraming(head.get().headers()), 1 << 16);
                    requests++;
                }
            } catch (HttpException e) {
                assertThat(e.status()).isBetween(400, 599);
                rejected++;
            } catch (IOException e) {
                // truncated input: the connection would simply end
            }
        }
        assertThat(requests).isPositive();
        assertThat(rejected).isPositive();
    }

    @Test
    @Timeout(30)
    void mutatedResponsesFailCleanly() {
        Random rnd = new Random(7);
        String seed = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n";
        for (int i = 0; i < 10_000; i++) {
            byte[] b = mutate(seed.getBytes(StandardCharsets.ISO_8859_1), rnd);
            HttpInput in = new HttpInput(new ByteArrayInputStream(b), 64);
            try {
                ResponseHead r = Http1.readResponseHead(in);
                Http1.copyBody(in, Http1.responseFraming("GET", r), OutputStream.nullOutputStream(), true);
            } catch (HttpException e) {
                assertThat(e.status()).isBetween(400, 599);
            } catch (IOException e) {
                // truncated
            }
        }
        assertThat(Duration.ZERO).isNotNull();
    }

    public static byte[] mutate(byte[] b, Random rnd) {
        int at = b.length == 0 ? 0 : rnd.nextInt(b.length);
        return switch (rnd.nextInt(4)) {
            case 0 -> { // replace a byte
                byte[] c = b.clone();
                if (c.length > 0) {
                    c[at] = rnd.nextBoolean() ? INTERESTING[rnd.nextInt(INTERESTING.length)] : (byte) rnd.nextInt();
                }
                yield c;
            }
            case 1 -> { // delete a byte
                if (b.length == 0) {
                    yield b;
                }
                byte[] c = new byte[b.length - 1];
                System.arraycopy(b, 0, c, 0, at);
                System.arraycopy(b, at + 1, c, at, b.length - at - 1);
                yield c;
            }
            case 2 -> { // insert a byte
                byte[] c = new byte[b.length + 1];
                System.arraycopy(b, 0, c, 0, at);
                c[at] = INTERESTING[rnd.nextInt(INTERESTING.length)];
                System.arraycopy(b, at, c, at + 1, b.length - at);
                yield c;
            }
            default -> { // truncate
                byte[] c = new byte[at];
                System.arraycopy(b, 0, c, 0, at);
                yield c;
            }
        };
    }
}
