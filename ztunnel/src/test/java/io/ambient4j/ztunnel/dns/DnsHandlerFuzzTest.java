package io.ambient4j.ztunnel.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.common.net.SocketFactory;
import io.ambient4j.ztunnel.dns.DnsHandler.Transport;
import io.ambient4j.ztunnel.metrics.DnsMetrics;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/**
 * Bounded fuzzing of the whole query path: random and mutated messages never make an exception escape, and every
 * reply is a well-formed response carrying the query's id. Upstream is a closed port, so forwarding fails fast
 * (SERVFAIL) without leaving the machine.
 */
class DnsHandlerFuzzTest {
    private static final byte[] SEED = HexFormat.of()
            .parseHex("1234010000010000000000010377777707657861" + "6d706c6503636f6d0000010001"
                    + "0000291000000000000000");

    @Test
    void randomAndMutatedQueriesNeverEscape() throws Exception {
        DnsMetrics metrics = new DnsMetrics();
        // Port 9 on loopback: nothing listens, a UDP send gets ICMP port unreachable at once.
        ResolvConf upstream =
                new ResolvConf(List.of(new InetSocketAddress("127.0.0.1", 9)), List.of(), Duration.ofMillis(200), 1);
        DnsSettings settings = new DnsSettings(
                Optional.empty(), 0, DnsName.of("cluster.local"), true, upstream, Duration.ofSeconds(1));
        DnsHandler handler = new DnsHandler(
                DnsFixtures::mesh,
                () -> DnsFixtures.CLIENT_NS1,
                settings,
                new DnsForwarder(upstream, SocketFactory.plain(), new SplittableRandom(1)),
                metrics,
                new SplittableRandom(2));
        SplittableRandom rnd = new SplittableRandom(20261127);
        int replies = 0;
        int drops = 0;
        for (int i = 0; i < 3000; i++) {
            byte[] input = i % 2 == 0 ? random(rnd) : mutate(rnd, SEED);
            Transport t = i % 3 == 0 ? Transport.TCP : Transport.UDP;
            Optional<byte[]> reply = handler.handle(input, t);
            if (reply.isEmpty()) {
                assertThat(input.length < DnsCodec.HEADER_LENGTH || (input[2] & 0x80) != 0)
                        .as("only unreadable headers and responses are dropped")
                        .isTrue();
                drops++;
                continue;
            }
            replies++;
            DnsMessage m = DnsCodec.decode(reply.get());
            assertThat(m.isResponse()).isTrue();
            assertThat(m.id()).isEqualTo(DnsCodec.u16(input, 0));
            if (t == Transport.UDP) {
                assertThat(reply.get().length).isLessThanOrEqualTo(DnsHandler.MAX_UDP_REPLY);
            }
        }
        assertThat(replies).isPositive();
        assertThat(drops).isPositive();
        assertThat(metrics.malformedCount()).isPositive();
    }

    private static byte[] random(SplittableRandom rnd) {
        byte[] b = new byte[rnd.nextInt(0, 80)];
        rnd.nextBytes(b);
        return b;
    }

    private static byte[] mutate(SplittableRandom rnd, byte[] seed) {
        byte[] b = seed.clone();
        int flips = rnd.nextInt(1, 6);
        for (int i = 0; i < flips; i++) {
            b[rnd.nextInt(b.length)] = (byte) rnd.nextInt(256);
        }
        // Keep most mutants queries with one question, so they get past the header checks.
        if (rnd.nextInt(4) != 0) {
            b[2] &= 0x7F;
            b[4] = 0;
            b[5] = 1;
        }
        if (rnd.nextInt(5) == 0) {
            b = java.util.Arrays.copyOf(b, rnd.nextInt(b.length + 1));
        }
        return b;
    }
}
