package io.ambient4j.ztunnel.inpod;

import static org.assertj.core.api.Assertions.assertThat;

import io.ambient4j.common.net.Netns;
import io.ambient4j.common.net.OwnedFd;
import java.util.Optional;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Bounded fuzz of the ZDS decoder: random datagrams and mutated valid ones, with and without a descriptor. The
 * decoder may accept or refuse, but never throws anything except {@link ZdsProtocolException}, and a descriptor is
 * either handed over inside an Add or closed. The seed is printed so a failure can be replayed.
 */
@Timeout(60)
class ZdsDecoderFuzzTest {
    private static final int ROUNDS = 20_000;

    @Test
    void randomDatagramsOnlyEverFailWithTheProtocolError() throws Exception {
        long seed = System.nanoTime();
        System.out.println("ZdsDecoderFuzzTest seed " + seed);
        SplittableRandom rnd = new SplittableRandom(seed);
        byte[][] seeds = {
            ZdsDecoderTest.add("uid-1", true),
            ZdsDecoderTest.add("uid-2", false),
            io.ambient4j.api.zds.WorkloadRequest.newBuilder()
                    .setDel(io.ambient4j.api.zds.DelWorkload.newBuilder().setUid("d"))
                    .build()
                    .toByteArray(),
        };
        int accepted = 0;
        int refused = 0;
        for (int i = 0; i < ROUNDS; i++) {
            byte[] data;
            if (rnd.nextBoolean()) {
                data = new byte[rnd.nextInt(1100)];
                rnd.nextBytes(data);
            } else {
                byte[] base = seeds[rnd.nextInt(seeds.length)];
                data = base.clone();
                for (int flips = rnd.nextInt(1, 4); flips > 0 && data.length > 0; flips--) {
                    data[rnd.nextInt(data.length)] ^= (byte) (1 << rnd.nextInt(8));
                }
            }
            Optional<OwnedFd> fd =
                    rnd.nextInt(4) == 0 ? Optional.of(Netns.current().fd()) : Optional.empty();
            try {
                ZdsMessage m = ZdsDecoder.decode(data, fd);
                accepted++;
                if (m instanceof ZdsMessage.Add add) {
                    assertThat(add.netns().isClosed()).isFalse();
                    add.netns().close();
                } else {
                    assertThat(fd).isEmpty();
                }
            } catch (ZdsProtocolException e) {
                refused++;
                assertThat(e.reason()).isNotNull();
                fd.ifPresent(f ->
                        assertThat(f.isClosed()).as("fd of a refused message").isTrue());
            } catch (Throwable t) {
                throw new AssertionError("seed " + seed + " round " + i + ": unexpected " + t, t);
            }
        }
        assertThat(accepted + refused).isEqualTo(ROUNDS);
        assertThat(refused).isPositive();
    }
}
