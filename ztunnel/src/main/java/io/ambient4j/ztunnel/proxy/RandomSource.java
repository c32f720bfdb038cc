package io.ambient4j.ztunnel.proxy;

import java.util.concurrent.ThreadLocalRandom;

/** The randomness endpoint and waypoint choice uses; injectable so routing tables are deterministic in tests. */
@FunctionalInterface
public interface RandomSource {
    /** A uniformly distributed value in {@code [0, bound)}; {@code bound > 0}. */
    long nextLong(long bound);

    /** The production source. */
    static RandomSource threadLocal() {
        return bound -> ThreadLocalRandom.current().nextLong(bound);
    }
}
