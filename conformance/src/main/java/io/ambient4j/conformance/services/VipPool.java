package io.ambient4j.conformance.services;

import java.util.BitSet;

/** ClusterIP allocation from 10.96.0.0/16 (from .0.10 up, lowest free first). One writer. */
public final class VipPool {
    private static final int FIRST = 10;
    private static final int LAST = 65534;
    private final BitSet used = new BitSet();

    public String allocate() {
        int i = used.nextClearBit(FIRST);
        if (i > LAST) {
            throw new IllegalStateException("service CIDR 10.96.0.0/16 is exhausted");
        }
        used.set(i);
        return toIp(i);
    }

    /** Marks an address taken (a Service that came with its own clusterIP). */
    public void reserve(String ip) {
        index(ip).ifPresent(used::set);
    }

    public void release(String ip) {
        index(ip).ifPresent(used::clear);
    }

    static String toIp(int i) {
        return "10.96." + (i >> 8) + "." + (i & 0xff);
    }

    static java.util.OptionalInt index(String ip) {
        if (ip == null || !ip.startsWith("10.96.")) {
            return java.util.OptionalInt.empty();
        }
        String[] p = ip.split("\\.");
        if (p.length != 4) {
            return java.util.OptionalInt.empty();
        }
        return java.util.OptionalInt.of(Integer.parseInt(p[2]) * 256 + Integer.parseInt(p[3]));
    }
}
