package io.ambient4j.istiod.testing;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.net.spi.InetAddressResolver;
import java.net.spi.InetAddressResolverProvider;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * A resolver for this test JVM that answers like the platform one, except that a reverse lookup of
 * {@link #SLOW_PEER} hangs until {@link #release()} (at most a minute): a stand-in for a cluster DNS that
 * does not answer PTR queries, which is what stalled istiod's TLS handshakes in the local mesh.
 */
public final class SlowReverseDns extends InetAddressResolverProvider {
    /** Connections from this loopback address get a reverse lookup that does not return. */
    public static final String SLOW_PEER = "127.0.0.77";

    private static final AtomicInteger SLOW_LOOKUPS = new AtomicInteger();
    private static volatile CountDownLatch hang = new CountDownLatch(1);

    /** How many reverse lookups of {@link #SLOW_PEER} were started since the last {@link #release()}. */
    public static int slowLookups() {
        return SLOW_LOOKUPS.get();
    }

    /** Lets every hanging lookup return (unresolved) and re-arms the hang for the next test. */
    public static void release() {
        CountDownLatch old = hang;
        hang = new CountDownLatch(1);
        SLOW_LOOKUPS.set(0);
        old.countDown();
    }

    @Override
    public InetAddressResolver get(Configuration configuration) {
        InetAddressResolver platform = configuration.builtinResolver();
        return new InetAddressResolver() {
            @Override
            public Stream<InetAddress> lookupByName(String host, LookupPolicy policy) throws UnknownHostException {
                return platform.lookupByName(host, policy);
            }

            @Override
            public String lookupByAddress(byte[] addr) throws UnknownHostException {
                if (addr.length == 4 && addr[0] == 127 && addr[1] == 0 && addr[2] == 0 && addr[3] == 77) {
                    SLOW_LOOKUPS.incrementAndGet();
                    try {
                        hang.await(1, TimeUnit.MINUTES);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    throw new UnknownHostException(SLOW_PEER + ": no answer from the slow resolver");
                }
                return platform.lookupByAddress(addr);
            }
        };
    }

    @Override
    public String name() {
        return "ambient4j-test-slow-reverse-dns";
    }
}
